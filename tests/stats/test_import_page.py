"""The import upload page: the job runs, the report and the rejected rows come back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.stats.test_workflow import GOOD
from thuvien.accounts.models import Role
from thuvien.stats.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_imports_good_rows_and_returns_the_bad_ones(
    client, round_2025, hanoi_library, danang_library, ministry
):
    codes = [c for c in GOOD if c != "SD02"]
    header = ",".join(["library", "SD02", *codes])
    figures = ",".join(GOOD[c] for c in codes)
    csv = (
        f"{header}\n{hanoi_library.vn_id},12.000,{figures}\n{danang_library.vn_id},abc,{figures}\n"
    ).encode()
    client.force_login(ministry)
    page = client.get("/thong-ke/nhap/")
    assert page.status_code == 200 and "Nhập số liệu thống kê từ tệp" in page.content.decode()
    answer = client.post(
        "/thong-ke/nhap/",
        {"round": round_2025.pk, "file": SimpleUploadedFile("so-lieu.csv", csv), "approve": "on"},
    )
    assert answer.status_code == 302
    job_page = client.get(answer["Location"]).content.decode()
    assert "dòng bị từ chối" in job_page
    hanoi = Submission.objects.get(round=round_2025, library=hanoi_library)
    assert hanoi.state == "approved"
    assert hanoi.values.get(element__code="SD02").number == 12000
    job_id = answer["Location"].rstrip("/").rsplit("/", 1)[-1]
    rejected = client.get(f"/thong-ke/nhap/{job_id}/dong-loi.csv")
    assert rejected.status_code == 200
    body = b"".join(rejected.streaming_content).decode("utf-8-sig")
    assert danang_library.vn_id in body and "abc" in body


def test_only_importers_see_the_page(client, round_2025):
    client.force_login(factories.user("tt", Role.LIBRARY_STAFF))
    assert client.get("/thong-ke/nhap/").status_code == 403


def test_a_file_that_cannot_be_imported_is_refused_with_the_reason(client, round_2025, ministry):
    client.force_login(ministry)
    answer = client.post(
        "/thong-ke/nhap/",
        {"round": round_2025.pk, "file": SimpleUploadedFile("x.csv", b"library,NOPE\nVN-1,2\n")},
    )
    assert answer.status_code == 200 and "NOPE" in answer.content.decode()
