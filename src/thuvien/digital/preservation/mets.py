"""METS 1.12 documents of digital objects, with MODS, Dublin Core and PREMIS inside.

Layout: ``dmdSec`` MODS and ``dmdSec`` DC (both describe the object), ``amdSec/digiprovMD``
holding the PREMIS document (objects, events, agents), a ``fileSec`` with one ``fileGrp``
per use (master, access, thumbnail, ocr, pdf) whose files carry SHA-512 checksums, and a
physical ``structMap``: one ``div`` per page in order, with its label, pointing at every
file of the page; files of the whole object (a PDF) hang from the object's ``div``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from lxml import etree

from thuvien.digital.preservation.mods import MODS_NS, dc_element, mods_element, mods_xml
from thuvien.digital.preservation.premis import NS as PREMIS_NS
from thuvien.digital.preservation.premis import xml_text
from thuvien.kernel.xml import parse_bytes

__all__ = ["METS_NS", "USES", "MetsFile", "mets_xml", "mods_xml"]

METS_NS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
METS_SCHEMA = "http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd"
USES = ("master", "access", "thumbnail", "ocr", "pdf")  # the order of the fileGrps
_NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")


@dataclass(slots=True)
class MetsFile:
    """One file: ``href`` relative to the package (or a URL), ``use`` one of ``USES``;
    ``page_order`` None for a file of the whole object."""

    id: str
    href: str
    mime: str | None
    size: int | None
    sha512: str | None
    use: str
    page_order: int | None = None
    page_label: str | None = None


def mets_xml(
    object_id: str,
    dc: dict[str, list[str]],
    files: Iterable[MetsFile],
    premis: bytes | None,
    label: str,
    *,
    created: datetime | None = None,
    agent: str = "thuvien",
) -> bytes:
    """The METS document, pretty UTF-8. ``premis`` is a PREMIS document (bytes) or None."""
    files = list(files)
    ids = _xml_ids(files)
    nsmap = {"mets": METS_NS, "xlink": XLINK, "xsi": XSI, "mods": MODS_NS, "premis": PREMIS_NS}
    root = etree.Element(_q("mets"), nsmap=nsmap, OBJID=object_id)
    if label:
        root.set("LABEL", xml_text(label))
    root.set(f"{{{XSI}}}schemaLocation", METS_SCHEMA)
    _header(root, created or datetime.now(UTC), agent)
    _wrap(_sub(root, "dmdSec", ID="DMD_MODS"), "MODS", mods_element(dc), version="3.6")
    _wrap(_sub(root, "dmdSec", ID="DMD_DC"), "DC", dc_element(dc))
    if premis:
        amd = _sub(root, "amdSec", ID="AMD")
        digiprov = _sub(amd, "digiprovMD", ID="DIGIPROV_PREMIS")
        _wrap(digiprov, "PREMIS", parse_bytes(premis), version="3.0")
    if files:
        _file_sec(root, files, ids)
    _struct_map(root, files, ids, label, has_premis=bool(premis))
    etree.indent(root, space="  ")  # the embedded PREMIS arrives with its own indentation
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _q(name: str) -> str:
    return f"{{{METS_NS}}}{name}"


def _sub(parent, name: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, _q(name), {k: str(v) for k, v in attrs.items() if v})
    if text is not None:
        element.text = xml_text(text)
    return element


def _header(root, created: datetime, agent: str) -> None:
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    stamp = created.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    header = _sub(root, "metsHdr", CREATEDATE=stamp)
    creator = _sub(header, "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _sub(creator, "name", agent)


def _wrap(section, mdtype: str, content: etree._Element, version: str | None = None) -> None:
    wrap = _sub(section, "mdWrap", MDTYPE=mdtype, MDTYPEVERSION=version)
    _sub(wrap, "xmlData").append(content)


def _xml_ids(files: list[MetsFile]) -> list[str]:
    """File IDs as XML IDs (NCNames), unique: a caller's id is kept when it already is one."""
    seen: set[str] = set()
    out = []
    for file in files:
        base = file.id if _NCNAME.match(file.id or "") else "F_" + re.sub(r"[^\w.-]", "_", file.id)
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}_{n}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _file_sec(root, files: list[MetsFile], ids: list[str]) -> None:
    section = _sub(root, "fileSec")
    uses = [u for u in USES if any(f.use == u for f in files)]
    uses += sorted({f.use for f in files} - set(USES))
    for use in uses:
        group = _sub(section, "fileGrp", USE=use)
        for file, xml_id in zip(files, ids, strict=True):
            if file.use != use:
                continue
            checksum = {"CHECKSUM": file.sha512, "CHECKSUMTYPE": "SHA-512"} if file.sha512 else {}
            element = _sub(group, "file", ID=xml_id, MIMETYPE=file.mime, **checksum)
            if file.size is not None:
                element.set("SIZE", str(file.size))
            location = _sub(element, "FLocat", LOCTYPE="URL")
            location.set(f"{{{XLINK}}}href", _href(file.href))


def _href(href: str) -> str:
    """A URI reference: spaces and non-ASCII escaped, separators kept."""
    return quote(href, safe="/:@!$&'()*+,;=?#%~-._")


def _struct_map(root, files: list[MetsFile], ids: list[str], label: str, has_premis) -> None:
    struct = _sub(root, "structMap", TYPE="physical")
    top = _sub(struct, "div", TYPE="object", LABEL=xml_text(label) if label else None,
               DMDID="DMD_MODS DMD_DC", ADMID="AMD" if has_premis else None)  # fmt: skip
    pages: dict[int, list[tuple[MetsFile, str]]] = {}
    for file, xml_id in zip(files, ids, strict=True):
        if file.page_order is None:
            _sub(top, "fptr", FILEID=xml_id)  # fptr comes before child divs in METS
        else:
            pages.setdefault(int(file.page_order), []).append((file, xml_id))
    for order in sorted(pages):
        entries = pages[order]
        labels = [f.page_label for f, _ in entries if f.page_label]
        page = _sub(top, "div", TYPE="page", ORDER=str(order),
                    ORDERLABEL=xml_text(labels[0]) if labels else None)  # fmt: skip
        for _, xml_id in entries:
            _sub(page, "fptr", FILEID=xml_id)
