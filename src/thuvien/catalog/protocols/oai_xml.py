"""The XML of OAI-PMH 2.0 responses (OAI-PMH.xsd), built with lxml.

Elements are made without a namespace and moved into the OAI namespace once, when the
envelope is serialised: the builders stay short and the metadata inside (MARCXML, oai_dc)
keeps its own namespaces.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lxml import etree

from thuvien.catalog.protocols.oai_args import OAIError, Request, format_datestamp

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, tag, {k: v for k, v in attributes.items() if v})
    if text is not None:
        element.text = text
    return element


class Envelope:
    """The ``<OAI-PMH>`` document around a verb's answer or its errors."""

    def __init__(self, base_url: str, now: datetime):
        self.base_url = base_url
        self.now = now

    def _root(self, request: Request | None) -> etree._Element:
        root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
        _sub(root, "responseDate", format_datestamp(self.now))
        attributes = {"verb": request.verb, **request.arguments} if request else {}
        _sub(root, "request", self.base_url, **attributes)
        return root

    def answer(self, request: Request, body: etree._Element) -> bytes:
        root = self._root(request)
        root.append(body)
        return self._serialise(root)

    def errors(self, errors: list[OAIError], request: Request | None) -> bytes:
        root = self._root(request)
        for error in errors:
            _sub(root, "error", error.message, code=error.code)
        return self._serialise(root)

    def _serialise(self, root: etree._Element) -> bytes:
        # Unqualified elements we built belong to the OAI namespace.
        for element in root.iter():
            if isinstance(element.tag, str) and not element.tag.startswith("{"):
                element.tag = f"{{{OAI_NS}}}{element.tag}"
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def add_header(parent: etree._Element, identifier: str, item) -> None:
    header = _sub(parent, "header", status="deleted" if item.deleted else None)
    _sub(header, "identifier", identifier)
    _sub(header, "datestamp", format_datestamp(item.datestamp))
    for spec in item.set_specs:
        _sub(header, "setSpec", spec)


def add_resumption_token(
    parent: etree._Element, value: str, cursor: int, total: int, expires: str | None
) -> None:
    _sub(
        parent,
        "resumptionToken",
        value,
        expirationDate=expires,
        completeListSize=str(total),
        cursor=str(cursor),
    )


def identify(config, earliest: str, granularity: str) -> etree._Element:
    body = etree.Element("Identify")
    _sub(body, "repositoryName", config.repository_name)
    _sub(body, "baseURL", config.base_url)
    _sub(body, "protocolVersion", "2.0")
    for email in config.admin_emails:
        _sub(body, "adminEmail", email)
    _sub(body, "earliestDatestamp", earliest)
    _sub(body, "deletedRecord", "persistent")
    _sub(body, "granularity", granularity)
    description = _sub(body, "description")
    description.append(_oai_identifier(config))
    return body


def _oai_identifier(config) -> etree._Element:
    """The oai-identifier description: how identifiers are made, with an example."""
    q = f"{{{IDENTIFIER_NS}}}"
    element = etree.Element(f"{q}oai-identifier", nsmap={None: IDENTIFIER_NS, "xsi": XSI})
    element.set(f"{{{XSI}}}schemaLocation", f"{IDENTIFIER_NS} {IDENTIFIER_SCHEMA}")
    for tag, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", config.repository_id),
        ("delimiter", ":"),
        ("sampleIdentifier", config.identifier(1)),
    ):
        etree.SubElement(element, f"{q}{tag}").text = text
    return element


def describe_formats(formats: Iterable) -> etree._Element:
    body = etree.Element("ListMetadataFormats")
    for metadata_format in formats:
        element = _sub(body, "metadataFormat")
        _sub(element, "metadataPrefix", metadata_format.prefix)
        _sub(element, "schema", metadata_format.schema)
        _sub(element, "metadataNamespace", metadata_format.namespace)
    return body


def describe_sets(sets: Iterable) -> etree._Element:
    body = etree.Element("ListSets")
    for info in sets:
        element = _sub(body, "set")
        _sub(element, "setSpec", info.spec)
        _sub(element, "setName", info.name)
    return body
