"""The preview of an import: every row read, placed, validated and matched, none written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from thuvien.registry.importing.readers import count_table_rows, open_table
from thuvien.registry.importing.rows import RowData, RowError, interpret
from thuvien.registry.matching import LibraryFacts, Matcher
from thuvien.registry.models import ImportBatch, ImportRow, Library, LibraryAlias
from thuvien.registry.models.imports import ImportStatus, RowOutcome
from thuvien.registry.services.errors import LibraryDataError
from thuvien.registry.services.places import PlaceResolver
from thuvien.registry.validation import RowValidator

WRITE_BATCH = 500


MATCH_COLUMNS = (
    "pk",
    "vn_id",
    "name",
    "short_name",
    "name_en",
    "country",
    "province__code",
    "commune__code",
    "region",
    "street_address",
    "website",
    "phone",
    "email",
)


def build_matcher() -> Matcher:
    """A matcher over every library, read as plain values (no model instances)."""
    aliases: dict[int, list[tuple[str, str]]] = {}
    for library_id, scheme, value in LibraryAlias.objects.values_list(
        "library_id", "scheme", "value"
    ):
        aliases.setdefault(library_id, []).append((scheme, value))
    rows = Library.objects.values_list(*MATCH_COLUMNS).iterator(chunk_size=5000)
    return Matcher(
        LibraryFacts(
            key=vn_id,
            name=name,
            other_names=tuple(n for n in (short, english) if n),
            country=country,
            province=province or "",
            commune=commune or region,
            address=street,
            website=website,
            phone=phone,
            email=email,
            identifiers=tuple(aliases.get(pk, ())),
        )
        for (
            pk,
            vn_id,
            name,
            short,
            english,
            country,
            province,
            commune,
            region,
            street,
            website,
            phone,
            email,
        ) in rows
    )


def facts_of_row(number: int, rd: RowData, resolver: PlaceResolver, scheme: str) -> LibraryFacts:
    data = rd.data
    return LibraryFacts(
        key=f"row:{number}",
        name=data.get("name", ""),
        other_names=tuple(rd.other_names),
        country=data.get("country", "VN"),
        province=resolver.code_of(data.get("province")) or rd.place.get("province", ""),
        commune=resolver.code_of(data.get("commune"))
        or data.get("region", "")
        or rd.place.get("commune", ""),
        address=data.get("street_address", ""),
        website=data.get("website", ""),
        phone=data.get("phone", ""),
        email=data.get("email", ""),
        identifiers=((scheme, rd.identifier),) if rd.identifier and scheme else (),
    )


def count_rows(batch: ImportBatch) -> int:
    """How many rows the progress bar expects (cheaply: the rows are not cleaned here)."""
    return count_table_rows(Path(batch.file.path), batch.file_format)


def preview(batch: ImportBatch, progress) -> dict[str, Any]:
    batch.rows.all().delete()  # a preview can be run again after changing the mapping
    progress.set_total(count_rows(batch))
    table = open_table(Path(batch.file.path), batch.file_format, batch.encoding or None)
    scheme = batch.defaults.get("identifier_scheme", "") or f"import:{batch.pk}"
    known = dict(LibraryAlias.objects.filter(scheme=scheme).values_list("value", "library__vn_id"))
    matcher, resolver, validator = build_matcher(), PlaceResolver(), RowValidator()
    pending: list[ImportRow] = []
    for number, raw in table.rows:
        pending.append(
            _preview_row(number, raw, batch, scheme, known, matcher, resolver, validator)
        )
        if len(pending) >= WRITE_BATCH:
            ImportRow.objects.bulk_create(pending)
            progress.advance(len(pending))
            pending.clear()
    ImportRow.objects.bulk_create(pending)
    progress.advance(len(pending))
    with transaction.atomic():
        batch.status = ImportStatus.PREVIEWED
        batch.report = {**batch.report, "preview": _counts(batch)}
        batch.save(update_fields=["status", "report"])
    return batch.report["preview"]


def _counts(batch: ImportBatch) -> dict[str, int]:
    from django.db.models import Count

    counts = dict(batch.rows.values_list("outcome").annotate(n=Count("id")))
    return {"rows": sum(counts.values()), **{k: counts.get(k, 0) for k in RowOutcome.values}}


def _preview_row(number, raw, batch, scheme, known, matcher, resolver, validator) -> ImportRow:
    rd = interpret(raw, batch.mapping, batch.defaults)
    row = ImportRow(batch=batch, number=number, raw=raw)
    if not rd.errors:
        resolver.place(rd)
    if not rd.errors:
        _validate(rd, validator)
    facts = facts_of_row(number, rd, resolver, scheme)
    row.parsed = {
        "data": _jsonable(rd.data),
        "identifier": rd.identifier,
        "identifier_scheme": scheme,
        "other_names": rd.other_names,
        "change_codes": rd.change_codes,
        "unit_choices": rd.place.get("choices", []),
    }
    row.errors = [e.as_dict() for e in rd.errors]
    if rd.errors:
        row.outcome = RowOutcome.ERROR
        return row
    _decide(row, rd, facts, known, matcher)
    if row.outcome != RowOutcome.UPDATE:  # an updated library is already in the matcher
        matcher.add(facts)
    return row


def _validate(rd: RowData, validator: RowValidator) -> None:
    try:
        cleaned = validator.clean(rd.data)
    except LibraryDataError as exc:
        for field, messages in exc.errors.items():
            rd.errors.extend(RowError(field, m) for m in messages)
    else:
        rd.data = {key: cleaned[key] for key in rd.data if key in cleaned}


def _decide(row: ImportRow, rd: RowData, facts, known, matcher) -> None:
    if rd.identifier and rd.identifier in known:
        row.outcome = RowOutcome.UPDATE
        row.parsed["target"] = known[rd.identifier]
        row.parsed["why"] = "identifier"
        return
    candidates = matcher.match(facts, limit=5)
    row.candidates = [
        {
            "key": c.key,
            "score": round(c.score, 3),
            "verdict": c.verdict,
            "reasons": [_reason_text(r) for r in c.reasons],
        }
        for c in candidates
    ]
    best = candidates[0] if candidates else None
    if rd.place.get("choices"):
        row.outcome = RowOutcome.REVIEW  # an old commune that was split: a person picks
    elif best is not None and best.verdict == "same" and not best.key.startswith("row:"):
        row.outcome = RowOutcome.UPDATE
        row.parsed["target"] = best.key
    elif best is not None and best.verdict in ("same", "possible"):
        row.outcome = RowOutcome.REVIEW
    else:
        row.outcome = RowOutcome.CREATE


def _reason_text(reason) -> str:
    text = getattr(reason, "text", None)
    return text() if callable(text) else str(reason)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif value is not None and not isinstance(value, str | int | float | bool | list):
            value = str(value)
        out[key] = value
    return out
