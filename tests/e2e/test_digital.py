"""Digital collections in Chromium: a staff member uploads a batch and watches it run; a
reader opens the object in the viewer with a word highlighted; the restricted object is
refused to the public."""

from __future__ import annotations

import re
import zipfile

import pytest

from tests import factories
from tests.digital.conftest import TEXTS, digital_dirs, render  # noqa: F401 (fixture)
from tests.e2e.conftest import shot, sign_in
from thuvien.accounts.models import Role
from thuvien.digital.models import DigitalObject, ObjectStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANIFEST = (
    "ma_doi_tuong,tep,trang,nhan_trang,nhan_de,loai,nam,ngon_ngu,quyen_truy_cap\n"
    "so-tay,so-tay/1.png,1,Bìa,Sổ tay chuyển đổi số,sách,2025,vie,công khai\n"
    "so-tay,so-tay/2.png,2,1,,,,,\n"
    "mat,mat/1.png,1,1,Hồ sơ nội bộ,bản thảo,2024,vie,hạn chế\n"
)


@pytest.fixture
def batch_zip(tmp_path):
    folder = tmp_path / "lo"
    for name in ("so-tay", "mat"):
        (folder / name).mkdir(parents=True)
    render(folder / "so-tay" / "1.png", TEXTS[0])
    render(folder / "so-tay" / "2.png", TEXTS[1])
    render(folder / "mat" / "1.png", TEXTS[2])
    (folder / "manifest.csv").write_text(MANIFEST, "utf-8")
    archive = tmp_path / "lo-so-hoa.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder).as_posix())
    return archive


@pytest.mark.usefixtures("digital_dirs")
def test_upload_read_search_and_refuse(page, batch_zip):
    library = factories.library("Thư viện tỉnh Số hóa")
    factories.user("thuthu", Role.LIBRARY_STAFF, library=library)
    sign_in(page, "thuthu")
    page.goto(page.base + "/so-hoa/nap/")
    page.select_option("select[name=library]", str(library.pk))
    page.set_input_files("input[name=file]", str(batch_zip))
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/so-hoa/nap/\d+/$"))
    page.get_by_text("Sổ tay chuyển đổi số").wait_for(timeout=120_000)
    page.get_by_text("Xong").first.wait_for(timeout=120_000)
    shot(page, "digital-batch")
    book = DigitalObject.objects.get(batch_key="so-tay")
    secret = DigitalObject.objects.get(batch_key="mat")
    assert book.status == ObjectStatus.READY and book.ocr_done

    page.context.clear_cookies()  # a reader who has not signed in
    page.goto(f"{page.base}/so-hoa/?q=chuyen doi so")
    page.get_by_role("link", name="Sổ tay chuyển đổi số").wait_for()
    assert "Hồ sơ nội bộ" not in page.content()
    page.goto(f"{page.base}/so-hoa/{book.ident}/?q=chuyển đổi")
    viewer = page.locator("[data-iiif-viewer]")
    viewer.locator("canvas").first.wait_for(timeout=30_000)
    page.get_by_text("Chương trình", exact=False).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # the tiles and the highlight are drawn
    shot(page, "digital-viewer-search")

    answer = page.goto(f"{page.base}/so-hoa/{secret.ident}/")
    assert answer.status == 403
    tile = page.request.get(f"{page.base}/iiif/3/{secret.ident}-p0001/full/200,/0/default.jpg")
    assert tile.status == 401
