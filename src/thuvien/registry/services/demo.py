"""Loading the demo libraries (registry/demo/libraries.json) through the registry services."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.registry.models import Library, LibraryAlias
from thuvien.registry.services.events import EventSpec, record_event
from thuvien.registry.services.libraries import add_alias, create_library

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "libraries.json"
DEMO_ALIAS_SCHEME = "demo"
SKIP_KEYS = {"key", "parent", "province_code", "commune_code", "aliases", "illustrative"}


def _units() -> dict[tuple[str, str], int]:
    return {
        (level, code): pk
        for pk, level, code in AdminUnit.objects.filter(scheme=Scheme.V2025).values_list(
            "pk", "level", "code"
        )
    }


def _data(record: dict[str, Any], units, by_key: dict[str, Library]) -> dict[str, Any]:
    data = {k: v for k, v in record.items() if k not in SKIP_KEYS}
    if record.get("province_code"):
        data["province"] = units[(Level.PROVINCE, str(record["province_code"]))]
    if record.get("commune_code"):
        data["commune"] = units[(Level.COMMUNE, str(record["commune_code"]))]
    if record.get("parent"):
        data["parent"] = by_key[record["parent"]].pk
    return data


def _ordered(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before their branches."""
    done, ordered, pending = set(), [], list(records)
    while pending:
        progressed = [r for r in pending if not r.get("parent") or r["parent"] in done]
        if not progressed:
            raise ValueError("demo data: parent cycle or unknown parent")
        for record in progressed:
            ordered.append(record)
            done.add(record["key"])
        pending = [r for r in pending if r["key"] not in done]
    return ordered


@transaction.atomic
def load_demo_libraries(actor, path: Path = DEMO_FILE) -> dict[str, int]:
    """Create the demo libraries once; running it again changes nothing."""
    content = json.loads(path.read_text(encoding="utf-8"))
    records = content["libraries"] if isinstance(content, dict) else content
    units = _units()
    existing = dict(
        LibraryAlias.objects.filter(scheme=DEMO_ALIAS_SCHEME).values_list("value", "library_id")
    )
    by_key = {key: Library.objects.get(pk=pk) for key, pk in existing.items()}
    created = 0
    for record in _ordered(records):
        if record["key"] in by_key:
            continue
        library = create_library(actor, _data(record, units, by_key), reason="demo")
        add_alias(actor, library, DEMO_ALIAS_SCHEME, record["key"])
        for alias in record.get("aliases", []):
            add_alias(actor, library, alias["scheme"], alias["value"])
        by_key[record["key"]] = library
        created += 1
    events = 0
    if created and isinstance(content, dict):
        events = _load_events(actor, content.get("events", []), by_key)
    return {"libraries": created, "events": events}


def _load_events(actor, events: list[dict[str, Any]], by_key: dict[str, Library]) -> int:
    for event in events:
        record_event(
            actor,
            EventSpec(
                kind=event["kind"],
                date=datetime.date.fromisoformat(event["date"]),
                predecessors=[by_key[k] for k in event.get("predecessors", [])],
                successors=[by_key[k] for k in event.get("successors", [])],
                subjects=[by_key[k] for k in event.get("subjects", [])],
                document_number=event.get("document_number", ""),
                document_date=datetime.date.fromisoformat(event["document_date"])
                if event.get("document_date")
                else None,
                document_issuer=event.get("document_issuer", ""),
                new_name=event.get("new_name", ""),
                note=event.get("note", ""),
                source="demo",
            ),
        )
    return len(events)
