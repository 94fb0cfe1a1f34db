"""Harvest settings of a source and the schedule: what to fetch, from where, how often."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from thuvien.accounts.permissions import Action, Target, require
from thuvien.catalog.harvest import HarvestConfig, HarvestError, Limits
from thuvien.catalog.models import HarvestSource
from thuvien.catalog.models.harvest import HarvestProtocol
from thuvien.catalog.services.batches import source_for
from thuvien.kernel.audit import record_change

DEFAULT_CODES = {"oai-pmh": "oai", "sru": "sru", "z39.50": "z3950"}
REGISTRY_FIELDS = {"oai-pmh": "oai_endpoint", "sru": "sru_endpoint", "z39.50": "z3950_endpoint"}


@transaction.atomic
def configure_harvest(
    actor, library, protocol: str, *, code: str = "", **settings: Any
) -> HarvestSource:
    """Create or change the harvest of ``library``'s source ``code`` (by default named after
    the protocol). ``settings`` are HarvestSource fields (endpoint, set_spec, query...)."""
    if actor is not None:
        require(actor, Action.CATALOG_INGEST, Target.for_library(library))
    if protocol not in HarvestProtocol.values:
        raise HarvestError(
            f"Giao thức {protocol!r} không được hỗ trợ (oai-pmh, sru, z39.50)",
            f"Unsupported protocol {protocol!r} (oai-pmh, sru, z39.50)",
            code="bad-protocol",
        )
    source = source_for(library, code or DEFAULT_CODES[protocol])
    harvest, created = HarvestSource.objects.get_or_create(
        source=source, defaults={"protocol": protocol}
    )
    before = {} if created else _settings_of(harvest)
    harvest.protocol = protocol
    for name, value in settings.items():
        setattr(harvest, name, value)
    try:
        harvest.full_clean(exclude=["source"])
    except ValidationError as error:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise HarvestError(
            f"Cấu hình thu thập không hợp lệ: {problems}",
            f"Invalid harvest settings: {problems}",
            code="bad-settings",
        ) from None
    harvest.save()
    _check(harvest)
    record_change(
        actor, "catalog.harvest.configure", harvest, before=before, after=_settings_of(harvest)
    )
    return harvest


def _settings_of(harvest: HarvestSource) -> dict[str, Any]:
    names = ("protocol", "endpoint", "metadata_prefix", "set_spec", "query", "enabled")
    return {name: getattr(harvest, name) for name in names} | {"interval": str(harvest.interval)}


def _check(harvest: HarvestSource) -> None:
    """Refuse settings no run could use (no endpoint, a malformed query or address)."""
    from thuvien.catalog.harvest import sru, z3950
    from thuvien.catalog.harvest.http import check_http_url

    endpoint = endpoint_of(harvest)
    if harvest.protocol == HarvestProtocol.Z3950:
        z3950.parse_target(endpoint)
        if harvest.query:
            z3950.check_pqf(harvest.query)
        return
    check_http_url(endpoint)
    if harvest.protocol == HarvestProtocol.SRU and harvest.query:
        sru.check_cql(harvest.query)


def endpoint_of(harvest: HarvestSource) -> str:
    """The source's endpoint, or else the one in the library's registry entry."""
    library = harvest.source.library
    endpoint = harvest.endpoint or getattr(library, REGISTRY_FIELDS[harvest.protocol], "")
    if not endpoint:
        raise HarvestError(
            f"Chưa có địa chỉ {harvest.get_protocol_display()} cho {harvest.source} (trong "
            "cấu hình thu thập hoặc danh bạ thư viện)",
            f"No {harvest.get_protocol_display()} address for {harvest.source} (in the "
            "harvest settings or the library's registry entry)",
            code="no-endpoint",
        )
    return endpoint


def config_of(harvest: HarvestSource, from_date: datetime | None = None) -> HarvestConfig:
    limits = Limits(
        timeout=float(harvest.timeout),
        deadline=max(float(harvest.timeout) * 10, 60.0),
        max_bytes=harvest.max_response_mb * 2**20,
        retries=harvest.retries,
        backoff=harvest.retry_backoff,
    )
    return HarvestConfig(
        endpoint=endpoint_of(harvest),
        metadata_prefix=harvest.metadata_prefix,
        set_spec=harvest.set_spec,
        query=harvest.query,
        page_size=max(1, harvest.page_size),
        from_date=from_date,
        limits=limits,
    )


def due_harvests(now: datetime | None = None):
    """Sources whose scheduled harvest is due (never run, or their next time has come)."""
    now = now or timezone.now()
    return (
        HarvestSource.objects.filter(enabled=True)
        .filter(Q(next_due_at__isnull=True) | Q(next_due_at__lte=now))
        .select_related("source__library")
        .order_by("next_due_at", "pk")
    )


def start_harvest(actor, harvest: HarvestSource, *, restart: bool = False, full: bool = False):
    """A job for the task worker (the web's and the scheduler's way in)."""
    from thuvien.ops.jobs import start_job

    if actor is not None:
        require(actor, Action.CATALOG_INGEST, Target.for_library(harvest.source.library))
    return start_job(
        "catalog.harvest",
        f"Thu thập {harvest.source}",
        {"harvest": harvest.pk, "restart": restart, "full": full},
        user=actor,
        library=harvest.source.library,
    )
