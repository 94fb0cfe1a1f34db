import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from thuvien.digital.ocr.engine import OcrError, OcrFailure, OcrPage, OcrPool

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def pool():
    with OcrPool(processes=2) as workers:
        yield workers


def test_results_come_in_order_and_a_bad_page_does_not_stop_the_pool(
    pool, clean_page, second_page, clean_result, tmp_path
):
    corrupt = tmp_path / "trang-2.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    missing = tmp_path / "trang-4.png"
    paths = [clean_page.path, corrupt, second_page.path, missing, clean_page.path]
    results = list(pool.map(paths, preprocess=False))
    assert [type(r) for r in results] == [OcrPage, OcrFailure, OcrPage, OcrFailure, OcrPage]
    assert results[0].text == clean_result.text == results[4].text
    assert results[0].source == str(clean_page.path)
    assert "Tuyển" in results[2].text or "tiểu thuyết" in results[2].text
    assert results[1].path == str(corrupt) and "trang-2.png" in results[1].message
    assert results[1].message.startswith("Không đọc được ảnh")
    assert results[3].path == str(missing) and "Không có tệp ảnh" in results[3].message


def test_a_dead_worker_is_replaced_and_its_pages_are_done(pool, clean_page, clean_result):
    list(pool.map([clean_page.path], preprocess=False))  # the workers are up
    before = pool.worker_pids
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    time.sleep(0.3)
    results = list(pool.map([clean_page.path, clean_page.path], preprocess=False))
    assert [r.text for r in results] == [clean_result.text, clean_result.text]
    assert before[0] not in pool.worker_pids


def test_the_default_is_one_worker_per_core():
    pool = OcrPool()
    try:
        assert pool.processes == len(os.sched_getaffinity(0))
    finally:
        pool.close()


CHILD = """
import sys, time
from thuvien.digital.ocr.engine import OcrPool
pool = OcrPool(processes=2)
list(pool.map([sys.argv[1]] * 2, preprocess=False))
print(" ".join(map(str, pool.worker_pids)), flush=True)
time.sleep(60)
"""


def test_workers_die_with_their_parent(clean_page):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(clean_page.path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        pids = [int(pid) for pid in child.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
        child.kill()  # SIGKILL: the pool gets no chance to shut down
        child.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in pids)
    finally:
        child.kill()
        child.wait()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_a_model_that_cannot_load_fails_before_any_worker_starts():
    with pytest.raises(OcrError, match="'xyz'"):
        OcrPool(processes=1, language="xyz")
