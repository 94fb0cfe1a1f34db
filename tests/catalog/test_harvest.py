"""Harvest runs end to end on the real database and index, against the local OAI-PMH provider
of test_harvest_server: records stored as the ingest stores them, incremental runs,
deletions, a run stopped by a fault and resumed from its last good page, expired tokens,
quarantine, the schedule, and the command."""

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests import factories
from tests.catalog.test_harvest_server import FakeOai, Item, Server, lc_items
from thuvien.accounts.models import Role
from thuvien.catalog.harvest import HarvestError
from thuvien.catalog.models import BibRecord, HarvestRun, HarvestSource, Holding
from thuvien.catalog.models.harvest import RunStatus
from thuvien.catalog.services import indexing
from thuvien.catalog.services.harvest import (
    HarvestBusy,
    configure_harvest,
    due_harvests,
    run_harvest,
    start_harvest,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    with Server(FakeOai(lc_items(35))) as server:
        yield server


def _harvest(library, server, **settings) -> HarvestSource:
    options = {"retry_backoff": 0.01, "retries": 2, "timeout": 5, **settings}
    return configure_harvest(None, library, "oai-pmh", endpoint=server.url, **options)


def _index_ids() -> set[str]:
    index = indexing.catalog_index()
    index.reload()
    return set(index.iter_ids())


def _active_ids() -> set[str]:
    active = BibRecord.objects.filter(status="active")
    return {str(pk) for pk in active.values_list("pk", flat=True)}


def test_oai_harvest_stores_records_like_the_ingest(contributor, provider):
    harvest = _harvest(contributor, provider)
    report = run_harvest(harvest)
    assert report["status"] == "done" and report["pages"] == 4 and report["total"] == 35
    assert report["records"]["stored"] == 35 and report["records"]["read"] == 35
    identifiers = {i.identifier for i in provider.provider.items}
    assert set(BibRecord.objects.values_list("local_id", flat=True)) == identifiers
    record = BibRecord.objects.get(local_id=provider.provider.items[0].identifier)
    assert record.raw_format == "marcxml" and bytes(record.raw).startswith(b"<record")
    assert record.title and Holding.objects.filter(record=record, library=contributor).exists()
    assert _index_ids() == _active_ids()
    harvest.refresh_from_db()
    run = harvest.runs.get()
    assert run.batch.status == "done" and run.batch.counts["records"]["stored"] == 35
    assert harvest.harvested_until == provider.provider.response_date.replace(microsecond=0)
    assert harvest.next_due_at > timezone.now() + timedelta(hours=23)


def test_incremental_run_fetches_changes_and_deletions(contributor, provider):
    fake = provider.provider
    harvest = _harvest(contributor, provider)
    run_harvest(harvest)
    harvest.refresh_from_db()
    changed, deleted = fake.items[4], fake.items[9]
    note = (
        '<datafield tag="500" ind1=" " ind2=" "><subfield code="a">Sửa đổi</subfield></datafield>'
    )
    changed.xml = changed.xml.replace(b"</record>", note.encode() + b"</record>")
    fake.change(changed.identifier)
    fake.change(deleted.identifier, delete=True)
    report = run_harvest(harvest)
    assert fake.requests[-1]["from"] == harvest.harvested_until.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert report["harvest"]["received"] == 2 and report["records"]["updated"] == 1
    assert report["records"]["deleted"] == 1
    gone = BibRecord.objects.get(local_id=deleted.identifier)
    assert gone.status == "deleted" and not Holding.objects.filter(record=gone).exists()
    assert "Sửa đổi".encode() in bytes(BibRecord.objects.get(local_id=changed.identifier).raw)
    assert BibRecord.objects.count() == 35
    assert _index_ids() == _active_ids() and str(gone.pk) not in _index_ids()


def test_a_run_stopped_by_a_broken_page_resumes_there(contributor, provider):
    fake = provider.provider
    fake.always[3] = "malformed"
    harvest = _harvest(contributor, provider)
    with pytest.raises(HarvestError) as caught:
        run_harvest(harvest)
    assert "not well-formed XML" in str(caught.value)
    run = harvest.runs.get()
    assert run.status == RunStatus.FAILED and run.cursor["token"] == "g1p3"
    assert BibRecord.objects.count() == 20 and run.batch.status == "failed"
    assert any("không phải XML hợp lệ" in m["message"] for m in run.errors)
    assert _index_ids() == _active_ids()  # what was stored is searchable
    harvest.refresh_from_db()
    assert harvest.next_due_at < timezone.now() + timedelta(hours=2)  # tried again soon
    fake.always.clear()
    asked = len(fake.requests)
    report = run_harvest(harvest)
    assert fake.requests[asked] == {"verb": "ListRecords", "resumptionToken": "g1p3"}
    assert report["status"] == "done" and report["run"] == run.pk
    assert BibRecord.objects.count() == 35 and report["records"]["stored"] == 35
    assert _index_ids() == _active_ids()


def test_an_expired_token_restarts_the_list_without_duplicates(contributor, provider):
    fake = provider.provider
    fake.always[2] = "500"
    harvest = _harvest(contributor, provider)
    with pytest.raises(HarvestError):
        run_harvest(harvest)
    fake.always.clear()
    fake.generation += 1  # days later: the provider has forgotten the token
    report = run_harvest(harvest)
    assert report["status"] == "done" and report["harvest"]["restarts"] == 1
    assert report["records"]["stored"] == 35 and report["records"]["unchanged"] == 10
    assert BibRecord.objects.count() == 35
    run = harvest.runs.get()
    assert any("badResumptionToken" in m["message"] for m in run.errors)


def test_bad_records_are_quarantined_with_their_identifier(contributor, provider):
    fake = provider.provider
    fake.items[
        2
    ].xml = b'<record xmlns="http://www.loc.gov/MARC21/slim"><leader>x</leader></record>'
    fake.items[5].xml = b"<mods xmlns='http://www.loc.gov/mods/v3'><titleInfo/></mods>"
    report = run_harvest(_harvest(contributor, provider))
    assert report["records"]["stored"] == 33 and report["records"]["quarantined"] == 2
    run = HarvestRun.objects.get()
    reasons = dict(run.batch.quarantine.values_list("position", "reason"))
    assert f"OAI {fake.items[2].identifier}" in reasons[3]
    assert "Record 3" in reasons[3] and "Biểu ghi 3" in reasons[3]
    assert "no readable MARCXML record" in reasons[6]
    assert bytes(run.batch.quarantine.get(position=6).raw).startswith(b"<mods")


def test_a_set_of_the_provider(contributor, provider):
    report = run_harvest(_harvest(contributor, provider, set_spec="odd", metadata_prefix="marc21"))
    assert report["records"]["stored"] == 17
    assert provider.provider.requests[1]["set"] == "odd"


def test_a_run_held_by_a_live_process_is_not_taken(contributor, provider):
    harvest = _harvest(contributor, provider)
    provider.provider.always[2] = "404"
    with pytest.raises(HarvestError):
        run_harvest(harvest)
    HarvestRun.objects.update(owner=f"{socket.gethostname()}:1", lease_until=timezone.now()
                              + timedelta(minutes=30))  # fmt: skip
    with pytest.raises(HarvestBusy) as caught:
        run_harvest(harvest)
    assert "đang được thu thập" in str(caught.value) and "being harvested" in str(caught.value)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    HarvestRun.objects.update(owner=f"{socket.gethostname()}:{dead}")
    provider.provider.always.clear()
    assert run_harvest(harvest)["status"] == "done"  # its process is gone: taken over


def test_restart_abandons_the_unfinished_run(contributor, provider):
    harvest = _harvest(contributor, provider)
    provider.provider.always[3] = "404"
    with pytest.raises(HarvestError):
        run_harvest(harvest)
    provider.provider.always.clear()
    report = run_harvest(harvest, restart=True)
    assert report["status"] == "done"
    assert list(harvest.runs.order_by("pk").values_list("status", flat=True)) == [
        "abandoned",
        "done",
    ]
    assert BibRecord.objects.count() == 35


def test_schedule_and_due_sources(contributor, provider):
    harvest = _harvest(contributor, provider, interval=timedelta(hours=6))
    assert list(due_harvests()) == [harvest]
    run_harvest(harvest)
    assert list(due_harvests()) == []
    later = timezone.now() + timedelta(hours=6, minutes=1)
    assert list(due_harvests(later)) == [harvest]
    HarvestSource.objects.update(enabled=False)
    assert list(due_harvests(later)) == []


def test_replace_missing_deletes_what_a_full_harvest_no_longer_has(contributor, provider):
    harvest = _harvest(contributor, provider, replace_missing=True)
    run_harvest(harvest)
    del provider.provider.items[30:]
    report = run_harvest(harvest, full=True)
    assert report["records"]["deleted"] == 5
    assert BibRecord.objects.filter(status="active").count() == 30
    assert _index_ids() == _active_ids()


def test_settings_are_checked(contributor, provider):
    with pytest.raises(HarvestError) as caught:
        configure_harvest(None, contributor, "sru", endpoint="http://x.example/sru", query='a="b')
    assert caught.value.code == "bad-cql"
    with pytest.raises(HarvestError) as caught:
        configure_harvest(None, contributor, "z39.50", endpoint="host;rm -rf /:210/x")
    assert caught.value.code == "bad-endpoint"
    with pytest.raises(HarvestError) as caught:
        configure_harvest(None, contributor, "oai-pmh")
    assert caught.value.code == "no-endpoint" and "danh bạ" in str(caught.value)
    contributor.oai_endpoint = provider.url
    contributor.save()
    harvest = configure_harvest(None, contributor, "oai-pmh", code="koha")
    assert harvest.endpoint == "" and run_harvest(harvest)["records"]["stored"] == 35
    with pytest.raises(HarvestError) as caught:
        configure_harvest(None, contributor, "gopher")
    assert caught.value.code == "bad-protocol"


def test_the_command_configures_lists_and_harvests(contributor, provider):
    out = StringIO()
    call_command(
        "catalog_harvest", "--configure", contributor.vn_id, "--protocol", "oai-pmh",
        "--endpoint", provider.url, "--every", "12", stdout=out,
    )  # fmt: skip
    harvest = HarvestSource.objects.get()
    assert harvest.interval == timedelta(hours=12) and harvest.source.code == "oai"
    call_command("catalog_harvest", "--list", stdout=out)
    assert "đến lịch / due" in out.getvalue()
    out = StringIO()
    call_command("catalog_harvest", "--all-due", "-v", "0", stdout=out)
    assert "stored: 35" in out.getvalue() and BibRecord.objects.count() == 35
    out = StringIO()
    call_command("catalog_harvest", "--all-due", stdout=out)
    assert "no harvest is due" in out.getvalue()
    provider.provider.always[2] = "404"
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("catalog_harvest", "--source", f"{contributor.vn_id}/oai", "--full",
                     "-v", "0", stdout=out, stderr=err)  # fmt: skip
    assert "harvests that stopped" in str(caught.value)
    assert "unchanged: 10" in out.getvalue()  # the report of what came before the fault
    assert "HTTP 404" in err.getvalue() and "[error]" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("catalog_harvest", "--source", "VN-99999999", stdout=StringIO())


def test_a_provider_that_answers_with_a_day_granularity(contributor):
    items = [Item(i.identifier, i.xml, i.sets, datetime(2026, 2, 1, tzinfo=UTC))
             for i in lc_items(3)]  # fmt: skip
    with Server(FakeOai(items, granularity="YYYY-MM-DD")) as server:
        harvest = _harvest(contributor, server)
        run_harvest(harvest)
        harvest.refresh_from_db()
        run_harvest(harvest)
        assert server.provider.requests[-1]["from"] == harvest.harvested_until.strftime("%Y-%m-%d")


def test_only_the_librarys_staff_set_up_and_start_its_harvests(
    contributor, vn_library, provider, django_capture_on_commit_callbacks
):
    staff = factories.user("staff", Role.LIBRARY_STAFF, library=contributor)
    other = factories.user("other", Role.LIBRARY_STAFF, library=vn_library)
    harvest = configure_harvest(staff, contributor, "oai-pmh", endpoint=provider.url)
    with pytest.raises(PermissionDenied):
        configure_harvest(other, contributor, "oai-pmh", endpoint="http://x.example/oai")
    with pytest.raises(PermissionDenied):
        start_harvest(other, harvest)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_harvest(staff, harvest)  # the immediate task backend runs it on commit
    job.refresh_from_db()
    assert job.status == "succeeded" and job.report["records"]["stored"] == 35
    assert job.created_by == staff and HarvestRun.objects.get().job == job


def test_harvested_records_are_clustered_after_the_run(contributor, provider):
    from thuvien.catalog.services import clusters

    run_harvest(_harvest(contributor, provider))
    assert clusters.cluster_records().records == 0  # the run's clustering left nothing pending
