"""An OAI-PMH 2.0 data provider, independent of where the records live.

:func:`respond` takes the request's arguments and a :class:`Repository` (the database in
``catalog/views/oai.py``, anything with the same methods in a test) and returns the whole
response document. Records are written by the catalogue's own MARC writers: ``marc21``
as MARCXML, ``oai_dc`` by the Library of Congress crosswalk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from lxml import etree

from thuvien.catalog.marc import storage
from thuvien.catalog.marc.writers import WriteError, to_marcxml, to_oai_dc
from thuvien.catalog.protocols.oai_args import (
    SECOND,
    OAIError,
    Request,
    Selection,
    TokenState,
    encode_token,
    format_datestamp,
    parse_request,
)
from thuvien.catalog.protocols.oai_xml import (
    Envelope,
    add_header,
    add_resumption_token,
    describe_formats,
    describe_sets,
    identify,
)
from thuvien.kernel.xml import safe_parser

__all__ = ["FORMATS", "Item", "OAIConfig", "Repository", "SetInfo", "respond"]

log = logging.getLogger(__name__)
XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


FORMATS = {
    "oai_dc": MetadataFormat(
        "oai_dc",
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
    "marc21": MetadataFormat(
        "marc21",
        "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
        "http://www.loc.gov/MARC21/slim",
    ),
}


@dataclass(frozen=True)
class Item:
    id: int
    datestamp: datetime  # aware
    deleted: bool
    set_specs: tuple[str, ...]
    marc: bytes | None = None  # catalog.marc.storage form; None for headers only


@dataclass(frozen=True)
class SetInfo:
    spec: str
    name: str


class Repository(Protocol):
    def earliest_datestamp(self) -> datetime: ...

    def set_exists(self, spec: str) -> bool: ...

    def sets(self, after: str | None, limit: int) -> list[SetInfo]: ...

    def count_sets(self) -> int: ...

    def item(self, record_id: int, with_metadata: bool) -> Item | None: ...

    def items(
        self, selection: Selection, after: tuple[datetime, int] | None, limit: int, metadata: bool
    ) -> list[Item]: ...

    def count(self, selection: Selection) -> int: ...


@dataclass(frozen=True)
class OAIConfig:
    base_url: str
    repository_id: str
    repository_name: str
    admin_emails: Sequence[str]
    page_size: int
    token_ttl: timedelta
    secret: bytes
    now: datetime

    def identifier(self, record_id: int) -> str:
        return f"oai:{self.repository_id}:{record_id}"

    def record_id(self, identifier: str) -> int | None:
        prefix = f"oai:{self.repository_id}:"
        local = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
        canonical = local.isascii() and local.isdigit() and local == str(int(local or "0"))
        return int(local) if canonical and len(local) < 19 else None


def respond(pairs: list[tuple[str, str]], repository: Repository, config: OAIConfig) -> bytes:
    """The response document (UTF-8 bytes) to one OAI-PMH request."""
    request, errors = parse_request(pairs, secret=config.secret, now=config.now)
    envelope = Envelope(config.base_url, config.now)
    if request is None:
        # The request element carries no attributes when the verb or arguments are bad.
        return envelope.errors(errors, request=None)
    try:
        body = _HANDLERS[request.verb](request, repository, config)
    except OAIError as error:
        return envelope.errors([error], request=request)
    return envelope.answer(request, body)


def _identify(request: Request, repository: Repository, config: OAIConfig) -> etree._Element:
    return identify(config, format_datestamp(repository.earliest_datestamp()), SECOND)


def _metadata_formats(request: Request, repository: Repository, config: OAIConfig):
    identifier = request.arguments.get("identifier")
    if identifier is not None:
        _find(identifier, repository, config, with_metadata=False)
    return describe_formats(FORMATS.values())


def _find(identifier: str, repository: Repository, config: OAIConfig, *, with_metadata: bool):
    record_id = config.record_id(identifier)
    item = repository.item(record_id, with_metadata) if record_id is not None else None
    if item is None:
        raise OAIError(
            "idDoesNotExist",
            f"No record has the identifier {identifier[:120]!r}",
            f"Không có biểu ghi mang định danh {identifier[:120]!r}",
        )
    return item


def _format(prefix: str) -> MetadataFormat:
    if prefix not in FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            f"Unknown metadataPrefix {prefix[:60]!r}; this repository offers oai_dc and marc21",
            f"Không hỗ trợ metadataPrefix {prefix[:60]!r}; kho này cung cấp oai_dc và marc21",
        )
    return FORMATS[prefix]


def _get_record(request: Request, repository: Repository, config: OAIConfig):
    metadata_format = _format(request.arguments["metadataPrefix"])
    item = _find(request.arguments["identifier"], repository, config, with_metadata=True)
    container = etree.Element("GetRecord")
    record = _record(item, metadata_format, config)
    if record is None:
        raise OAIError(
            "cannotDisseminateFormat",
            f"Record {item.id} cannot be written as {metadata_format.prefix}",
            f"Biểu ghi {item.id} không ghi được dưới dạng {metadata_format.prefix}",
        )
    container.append(record)
    return container


def _record(item: Item, metadata_format: MetadataFormat, config: OAIConfig):
    record = etree.Element("record")
    add_header(record, config.identifier(item.id), item)
    if item.deleted:
        return record
    try:
        metadata = _metadata(item.marc or b"", metadata_format.prefix)
    except WriteError:
        return None
    etree.SubElement(record, "metadata").append(metadata)
    return record


def _metadata(marc: bytes, prefix: str) -> etree._Element:
    parsed = storage.load(marc)
    text = to_marcxml(parsed) if prefix == "marc21" else to_oai_dc(parsed)
    element = etree.fromstring(text.encode("utf-8"), safe_parser())
    # Inside the envelope the xsi prefix would be declared only on the root: a harvester
    # that copies the metadata out (HTTP::OAI does) gets an undeclared prefix. The
    # schemaLocation is optional; without it each record stands alone.
    element.attrib.pop(XSI_LOCATION, None)
    return element


def _check_set(selection: Selection, repository: Repository) -> None:
    if selection.set_spec is not None and not repository.set_exists(selection.set_spec):
        raise OAIError(
            "badArgument",
            f"No set has the setSpec {selection.set_spec[:80]!r} (see ListSets)",
            f"Không có tập (set) {selection.set_spec[:80]!r} (xem ListSets)",
        )


def _list(request: Request, repository: Repository, config: OAIConfig) -> etree._Element:
    selection = request.selection
    assert selection is not None
    metadata_format = _format(selection.metadata_prefix)
    with_records = request.verb == "ListRecords"
    state = request.token
    if state is None:
        _check_set(selection, repository)
    after = state.after if state else None
    items = repository.items(selection, after, config.page_size + 1, with_records)
    more = len(items) > config.page_size
    items = items[: config.page_size]
    if not items:
        raise OAIError(
            "noRecordsMatch",
            "No records match these arguments",
            "Không có biểu ghi nào khớp các tham số này",
        )
    container = etree.Element(request.verb)
    _add_items(container, items, metadata_format, config, with_records)
    cursor = state.cursor if state else 0
    total = state.total if state else repository.count(selection)
    if more or state:
        last = items[-1]
        next_state = TokenState(
            request.verb,
            selection,
            (last.datestamp, last.id),
            None,
            cursor + len(items),
            max(total, cursor + len(items) + int(more)),
            config.now + config.token_ttl,
        )
        _token(container, next_state if more else None, next_state, cursor, config)
    return container


def _add_items(container, items: Iterable[Item], metadata_format, config, with_records: bool):
    for item in items:
        if not with_records:
            add_header(container, config.identifier(item.id), item)
            continue
        record = _record(item, metadata_format, config)
        if record is None:  # a tag or code the format refuses: left out, never faked
            log.warning("OAI-PMH: record %s cannot be written as %s", item.id, metadata_format)
            continue
        container.append(record)


def _token(container, issued: TokenState | None, state: TokenState, cursor: int, config) -> None:
    """A token for the next page, or the empty one that closes a resumed list."""
    value = encode_token(issued, secret=config.secret) if issued else ""
    expires = format_datestamp(issued.expires) if issued else None
    add_resumption_token(container, value, cursor, state.total, expires)


def _list_sets(request: Request, repository: Repository, config: OAIConfig) -> etree._Element:
    state = request.token
    after = state.after_key if state else None
    sets = repository.sets(after, config.page_size + 1)
    more = len(sets) > config.page_size
    sets = sets[: config.page_size]
    container = describe_sets(sets)
    if more or state:
        cursor = state.cursor if state else 0
        total = state.total if state else repository.count_sets()
        next_state = TokenState(
            "ListSets",
            Selection(""),
            None,
            sets[-1].spec if sets else after,
            cursor + len(sets),
            total,
            config.now + config.token_ttl,
        )
        _token(container, next_state if more else None, next_state, cursor, config)
    return container


_HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": _list,
    "ListRecords": _list,
}
