"""PREMIS 3.0 XML: the objects, the events that happened to them and the agents involved.

Event types are those of the Library of Congress preservation vocabulary; each ``eventType``
carries the vocabulary's URI (``authorityURI``) and the term's URI (``valueURI``) so that
another repository reads them without guessing. Each object becomes an intellectual entity
(the digital object) and one file object per file, with SHA-512 and MD5 fixity, size, and the
PRONOM format found on ingest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

__all__ = [
    "EVENT_TYPES",
    "EVENT_TYPE_AUTHORITY",
    "NS",
    "FileInfo",
    "PremisAgent",
    "PremisEvent",
    "PremisObject",
    "event_type_uri",
    "premis_xml",
    "xml_text",
]

NS = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "http://www.loc.gov/premis/v3 https://www.loc.gov/standards/premis/premis.xsd"
EVENT_TYPE_AUTHORITY = "http://id.loc.gov/vocabulary/preservation/eventType"

# Label -> code of the LoC eventType vocabulary (the term's URI is the authority + /code).
EVENT_TYPES: dict[str, str] = {
    "accession": "acc",
    "appraisal": "app",
    "capture": "cap",
    "compiling": "cop",
    "compression": "com",
    "creation": "cre",
    "deaccession": "dea",
    "decompression": "dec",
    "decryption": "der",
    "deletion": "del",
    "digital signature generation": "dsg",
    "digital signature validation": "dig",
    "displaying": "dsp",
    "dissemination": "dis",
    "encryption": "enc",
    "execution": "exe",
    "exporting": "exp",
    "extraction": "ext",
    "filename change": "fil",
    "fixity check": "fix",
    "forensic feature analysis": "ffa",
    "format identification": "for",
    "imaging": "ima",
    "information package creation": "ipc",
    "information package merging": "ipm",
    "information package splitting": "ips",
    "ingestion": "ing",
    "ingestion end": "ine",
    "ingestion start": "ins",
    "interpreting": "int",
    "message digest calculation": "mes",
    "metadata extraction": "mee",
    "metadata modification": "mem",
    "migration": "mig",
    "modification": "mod",
    "normalization": "nor",
    "packing": "pac",
    "policy assignment": "poa",
    "printing": "prt",
    "quarantine": "qua",
    "recovery": "rec",
    "redaction": "red",
    "refreshment": "ref",
    "rendering": "ren",
    "replication": "rep",
    "transfer": "tra",
    "unpacking": "unp",
    "unquarantine": "unq",
    "validation": "val",
    "virus check": "vir",
}
AGENT_TYPES = ("software", "person", "organization")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
OUTCOMES = ("success", "failure", "warning")


@dataclass(slots=True)
class FileInfo:
    """One file of an object as ingested (``puid``, ``mime`` may be empty when unknown)."""

    path: str
    size: int | None
    sha512: str | None
    md5: str | None
    puid: str | None
    format_name: str | None
    mime: str | None
    format_version: str | None = None


@dataclass(slots=True)
class PremisObject:
    """A digital object (an intellectual entity) and its files."""

    identifier: str
    files: list[FileInfo] = field(default_factory=list)
    identifier_type: str = "local"


@dataclass(slots=True)
class PremisEvent:
    """An event; ``agents`` are (identifier, role) pairs, ``objects`` object identifiers."""

    identifier: str
    event_type: str
    when: datetime
    detail: str
    outcome: str
    outcome_detail: str = ""
    agents: list[tuple[str, str]] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PremisAgent:
    identifier: str
    name: str
    type: str
    version: str | None = None
    identifier_type: str = "local"


def event_type_uri(event_type: str) -> str | None:
    """The vocabulary URI of an event type (None for a term outside the vocabulary)."""
    code = EVENT_TYPES.get(event_type.strip().lower())
    return f"{EVENT_TYPE_AUTHORITY}/{code}" if code else None


def premis_xml(
    objects: Iterable[PremisObject],
    events: Iterable[PremisEvent],
    agents: Iterable[PremisAgent],
) -> bytes:
    """A ``premis`` document (PREMIS 3.0), pretty-printed UTF-8.

    PREMIS needs at least one object: with none given, the objects the events name are
    described as intellectual entities.
    """
    objects, events, agents = list(objects), list(events), list(agents)
    if not objects:
        named = dict.fromkeys(ident for event in events for ident in event.objects)
        objects = [PremisObject(ident) for ident in named]
    if not objects:
        raise ValueError("PREMIS cần ít nhất một đối tượng / PREMIS needs at least one object")
    root = etree.Element(_q("premis"), nsmap={"premis": NS, "xsi": XSI}, version="3.0")
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    for obj in objects:
        root.append(_entity(obj))
        for info in obj.files:
            root.append(_file(obj, info))
    for event in events:
        root.append(_event(event))
    for agent in agents:
        root.append(_agent(agent))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- elements ---------------------------------------------------------------------------------


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, _q(name), {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = xml_text(text)
    return element


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: control characters become U+FFFD (visible, not dropped)."""
    return _NOT_XML.sub("\ufffd", str(text))


def _identifier(parent, kind: str, id_type: str, value: str) -> None:
    """``objectIdentifier``, ``eventIdentifier``, ... with their Type and Value children."""
    element = _sub(parent, f"{kind}Identifier")
    _sub(element, f"{kind}IdentifierType", id_type)
    _sub(element, f"{kind}IdentifierValue", value)


def _typed_object(xsi_type: str) -> etree._Element:
    element = etree.Element(_q("object"))
    element.set(f"{{{XSI}}}type", f"premis:{xsi_type}")
    return element


def _entity(obj: PremisObject) -> etree._Element:
    element = _typed_object("intellectualEntity")
    _identifier(element, "object", obj.identifier_type, obj.identifier)
    return element


def _file(obj: PremisObject, info: FileInfo) -> etree._Element:
    element = _typed_object("file")
    _identifier(element, "object", obj.identifier_type, f"{obj.identifier}/{info.path}")
    traits = _sub(element, "objectCharacteristics")
    _sub(traits, "compositionLevel", "0")
    for algorithm, digest in (("SHA-512", info.sha512), ("MD5", info.md5)):
        if digest:
            fixity = _sub(traits, "fixity")
            _sub(fixity, "messageDigestAlgorithm", algorithm)
            _sub(fixity, "messageDigest", digest)
    if info.size is not None:
        _sub(traits, "size", str(info.size))
    _format(traits, info)
    _sub(element, "originalName", info.path)
    relation = _sub(element, "relationship")
    _sub(relation, "relationshipType", "structural")
    _sub(relation, "relationshipSubType", "is included in")
    related = _sub(relation, "relatedObjectIdentifier")
    _sub(related, "relatedObjectIdentifierType", obj.identifier_type)
    _sub(related, "relatedObjectIdentifierValue", obj.identifier)
    return element


def _format(traits, info: FileInfo) -> None:
    """``format`` is required: an unidentified file is named "unknown" (and has no PUID)."""
    element = _sub(traits, "format")
    designation = _sub(element, "formatDesignation")
    _sub(designation, "formatName", info.format_name or "unknown")
    if info.format_version:
        _sub(designation, "formatVersion", info.format_version)
    if info.puid:
        registry = _sub(element, "formatRegistry")
        _sub(registry, "formatRegistryName", "PRONOM")
        _sub(registry, "formatRegistryKey", info.puid)
        _sub(registry, "formatRegistryRole", "specification")
    if info.mime:
        _sub(element, "formatNote", f"MIME: {info.mime}")


def _event(event: PremisEvent) -> etree._Element:
    if event.outcome not in OUTCOMES:
        raise ValueError(
            f"Kết quả sự kiện không hợp lệ: {event.outcome!r} / "
            f"Invalid event outcome: {event.outcome!r} (event {event.identifier})"
        )
    element = etree.Element(_q("event"))
    _identifier(element, "event", "UUID", event.identifier)
    uri = event_type_uri(event.event_type)
    authority = {"authority": "eventType", "authorityURI": EVENT_TYPE_AUTHORITY} if uri else {}
    _sub(element, "eventType", event.event_type, **authority, valueURI=uri)
    _sub(element, "eventDateTime", _datetime(event.when))
    if event.detail:
        _sub(_sub(element, "eventDetailInformation"), "eventDetail", event.detail)
    outcome = _sub(element, "eventOutcomeInformation")
    _sub(outcome, "eventOutcome", event.outcome)
    if event.outcome_detail:
        note = _sub(outcome, "eventOutcomeDetail")
        _sub(note, "eventOutcomeDetailNote", event.outcome_detail)
    for identifier, role in event.agents:
        link = _sub(element, "linkingAgentIdentifier")
        _sub(link, "linkingAgentIdentifierType", "local")
        _sub(link, "linkingAgentIdentifierValue", identifier)
        if role:
            _sub(link, "linkingAgentRole", role)
    for identifier in event.objects:
        link = _sub(element, "linkingObjectIdentifier")
        _sub(link, "linkingObjectIdentifierType", "local")
        _sub(link, "linkingObjectIdentifierValue", identifier)
    return element


def _agent(agent: PremisAgent) -> etree._Element:
    if agent.type not in AGENT_TYPES:
        raise ValueError(
            f"Loại tác nhân không hợp lệ: {agent.type!r} / Invalid agent type: {agent.type!r}"
        )
    element = etree.Element(_q("agent"))
    _identifier(element, "agent", agent.identifier_type, agent.identifier)
    _sub(element, "agentName", agent.name)
    _sub(element, "agentType", agent.type)
    if agent.version:
        _sub(element, "agentVersion", agent.version)
    return element


def _datetime(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat(timespec="seconds")
