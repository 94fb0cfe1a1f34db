"""SRU 1.2 and 2.0 (searchRetrieve and explain): request parameters, diagnostics and the
response documents, built with lxml.

SRU 1.1 and 1.2 answer in ``http://www.loc.gov/zing/srw/``, 2.0 in the OASIS namespaces;
both use the diagnostic numbers of ``info:srw/diagnostic/1/``. A request without a version
is answered in 1.2, the version Koha, YAZ and most catalogues speak.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from thuvien.catalog.protocols.cql_map import CONTEXT_SETS, INDEXES, RELATIONS, Diagnostic

__all__ = [
    "SCHEMAS",
    "RecordOut",
    "SRUConfig",
    "SRURequest",
    "diagnostics_response",
    "explain_response",
    "parse_request",
    "search_response",
]

VERSIONS = ("1.1", "1.2", "2.0")
DEFAULT_VERSION = "1.2"
SRU1 = ("http://www.loc.gov/zing/srw/", "http://www.loc.gov/zing/srw/diagnostic/")
SRU2 = (
    "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "http://docs.oasis-open.org/ns/search-ws/diagnostic",
)
ZEEREX = "http://explain.z3950.org/dtd/2.0/"
DIAGNOSTIC_SCHEMA = "info:srw/schema/1/diagnostics-v1.1"
PRECISION = "info:srw/vocabulary/resultCountPrecision/1/"


@dataclass(frozen=True)
class RecordSchema:
    name: str
    identifier: str
    title: str


SCHEMAS = {
    "marcxml": RecordSchema("marcxml", "info:srw/schema/1/marcxml-v1.1", "MARCXML (MARC 21)"),
    "dc": RecordSchema("dc", "info:srw/schema/1/dc-v1.1", "Dublin Core"),
}
_SCHEMA_NAMES = {
    "marcxml": "marcxml",
    "marc21": "marcxml",
    "marc": "marcxml",
    "info:srw/schema/1/marcxml-v1.1": "marcxml",
    "info:srw/schema/1/marcxml-v1.1-light": "marcxml",
    "http://www.loc.gov/marc21/slim": "marcxml",
    "dc": "dc",
    "info:srw/schema/1/dc-v1.1": "dc",
    "info:srw/schema/1/dc-schema": "dc",
}
_PARAMETERS = frozenset(
    {
        "version",
        "operation",
        "query",
        "queryType",
        "startRecord",
        "maximumRecords",
        "recordPacking",
        "recordXMLEscaping",
        "recordSchema",
        "recordXPath",
        "resultSetTTL",
        "sortKeys",
        "stylesheet",
        "extraRequestData",
        "httpAccept",
        "responseType",
        "renderedBy",
        "facetLimit",
        "facetStart",
        "facetSort",
        "scanClause",
        "responsePosition",
        "maximumTerms",
    }
)
# The standard messages of the diagnostics used here, and a Vietnamese one beside each.
VIETNAMESE = {
    1: "Lỗi hệ thống",
    4: "Không hỗ trợ thao tác này",
    5: "Không hỗ trợ phiên bản SRU này",
    6: "Giá trị tham số không được hỗ trợ",
    7: "Thiếu tham số bắt buộc",
    8: "Không hỗ trợ tham số này",
    10: "Lỗi cú pháp truy vấn CQL",
    11: "Không hỗ trợ loại truy vấn này",
    12: "Truy vấn quá dài",
    13: "Dùng dấu ngoặc đơn sai",
    14: "Dùng dấu ngoặc kép sai",
    15: "Không hỗ trợ bộ ngữ cảnh (context set) này",
    16: "Không hỗ trợ chỉ mục này",
    19: "Không hỗ trợ quan hệ này",
    20: "Không hỗ trợ bổ ngữ quan hệ này",
    27: "Không hỗ trợ từ khóa rỗng",
    28: "Không hỗ trợ ký tự đại diện (* ?)",
    31: "Không hỗ trợ ký tự neo (^)",
    36: "Từ khóa sai dạng cho chỉ mục hoặc quan hệ này",
    38: "Truy vấn có quá nhiều toán tử logic",
    39: "Không hỗ trợ toán tử prox",
    46: "Không hỗ trợ bổ ngữ của toán tử logic",
    47: "Không xử lý được truy vấn",
    59: "Kết quả chưa đầy đủ: chỉ kiểm tra một phần các biểu ghi ứng viên",
    61: "Vị trí biểu ghi đầu tiên vượt quá số kết quả",
    65: "Biểu ghi không tồn tại",
    66: "Không biết lược đồ biểu ghi này",
    67: "Biểu ghi không có ở lược đồ này",
    71: "Không hỗ trợ cách đóng gói biểu ghi này",
    72: "Không hỗ trợ truy xuất theo XPath",
    80: "Không hỗ trợ sắp xếp bằng sortKeys (hãy dùng sortby trong CQL)",
    84: "Quá nhiều khóa sắp xếp",
    90: "Không hỗ trợ chiều sắp xếp này",
    110: "Không hỗ trợ stylesheet",
}


def diagnostic_message(diagnostic: Diagnostic) -> str:
    vietnamese = VIETNAMESE.get(diagnostic.code)
    return f"{diagnostic.message} / {vietnamese}" if vietnamese else diagnostic.message


@dataclass(frozen=True)
class SRURequest:
    version: str
    operation: str
    query: str = ""
    start: int = 1
    maximum: int = 10
    schema: RecordSchema = SCHEMAS["marcxml"]
    packing: str = "xml"  # "xml" or "string" (2.0: recordXMLEscaping)


@dataclass(frozen=True)
class SRUConfig:
    host: str
    port: int
    database: str
    max_records: int
    default_records: int = 10


@dataclass(frozen=True)
class RecordOut:
    position: int
    schema: RecordSchema
    data: etree._Element | None  # None: a surrogate diagnostic stands in
    diagnostic: Diagnostic | None = None


def parse_request(
    pairs: Sequence[tuple[str, str]], config: SRUConfig
) -> tuple[SRURequest, list[Diagnostic]]:
    """The request with its version and operation, and the diagnostics (fatal) found."""
    values: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for key, value in pairs:
        if key not in _PARAMETERS and not key.startswith("x-"):
            problems.append(Diagnostic(8, key[:60], "Unsupported parameter"))
        elif key in values:
            problems.append(Diagnostic(6, key, f"Parameter {key} is repeated"))
        else:
            values[key] = value
    version = values.get("version", DEFAULT_VERSION)
    if version not in VERSIONS:
        problems.insert(0, Diagnostic(5, "2.0", f"Unsupported version {version[:20]!r}"))
        version = DEFAULT_VERSION
    operation = values.get("operation") or ("searchRetrieve" if "query" in values else "explain")
    request = SRURequest(version, operation)
    if operation not in ("searchRetrieve", "explain"):
        return request, [*problems, Diagnostic(4, operation[:40], "Unsupported operation")]
    packing = _packing(values, version, problems)
    if operation == "explain":
        return SRURequest(version, operation, packing=packing), problems
    return _search_request(values, version, packing, config, problems)


def _packing(values: dict[str, str], version: str, problems: list[Diagnostic]) -> str:
    name = "recordXMLEscaping" if version == "2.0" else "recordPacking"
    packing = values.get(name, "xml")
    if packing not in ("xml", "string"):
        problems.append(Diagnostic(71, packing[:40], "Unsupported record packing"))
    if version == "2.0" and values.get("recordPacking", "packed") != "packed":
        problems.append(Diagnostic(71, values["recordPacking"][:40], "Unsupported record packing"))
    return packing if packing in ("xml", "string") else "xml"


def _integer(values: dict[str, str], name: str, default: int, low: int) -> int | Diagnostic:
    raw = values.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < low:
        return Diagnostic(6, name, f"{name} must be a whole number from {low}: {raw[:20]!r}")
    return int(raw)


def _search_request(
    values: dict[str, str],
    version: str,
    packing: str,
    config: SRUConfig,
    problems: list[Diagnostic],
) -> tuple[SRURequest, list[Diagnostic]]:
    query = values.get("query", "")
    if not query.strip():
        problems.append(Diagnostic(7, "query", "Mandatory parameter not supplied"))
    if values.get("queryType", "cql") != "cql":
        problems.append(Diagnostic(11, values["queryType"][:40], "Unsupported query type"))
    start = _integer(values, "startRecord", 1, 1)
    maximum = _integer(values, "maximumRecords", config.default_records, 0)
    problems += [v for v in (start, maximum) if isinstance(v, Diagnostic)]
    if isinstance(maximum, int) and maximum > config.max_records:
        problems.append(
            Diagnostic(
                6,
                "maximumRecords",
                f"maximumRecords is at most {config.max_records} on this server",
            )
        )
    schema_name = _SCHEMA_NAMES.get(values.get("recordSchema", "marcxml").strip().lower())
    if schema_name is None:
        problems.append(
            Diagnostic(66, values["recordSchema"][:200], "Unknown schema for retrieval")
        )
    for name, code, message in (
        ("recordXPath", 72, "XPath retrieval unsupported"),
        ("stylesheet", 110, "Stylesheets not supported"),
        ("sortKeys", 80, "Sort not supported through sortKeys: use CQL sortby"),
    ):
        if values.get(name):
            problems.append(Diagnostic(code, name, message))
    request = SRURequest(
        version,
        "searchRetrieve",
        query,
        start if isinstance(start, int) else 1,
        maximum if isinstance(maximum, int) else 0,
        SCHEMAS[schema_name or "marcxml"],
        packing,
    )
    return request, problems


# --- documents ----------------------------------------------------------------------


class _Builder:
    def __init__(self, version: str):
        self.sru, self.diag = SRU2 if version == "2.0" else SRU1
        self.version = version

    def root(self, name: str) -> etree._Element:
        return etree.Element(f"{{{self.sru}}}{name}", nsmap={"zs": self.sru})

    def sub(self, parent, name: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.sru}}}{name}")
        if text is not None:
            element.text = text
        return element

    def diagnostic(self, parent, diagnostic: Diagnostic, namespace: str | None = None):
        namespace = namespace or self.diag
        element = etree.SubElement(parent, f"{{{namespace}}}diagnostic", nsmap={"diag": namespace})
        etree.SubElement(
            element, f"{{{namespace}}}uri"
        ).text = f"info:srw/diagnostic/1/{diagnostic.code}"
        if diagnostic.details:
            etree.SubElement(element, f"{{{namespace}}}details").text = diagnostic.details
        etree.SubElement(element, f"{{{namespace}}}message").text = diagnostic_message(diagnostic)
        return element

    def diagnostics(self, parent, diagnostics: Iterable[Diagnostic]) -> None:
        diagnostics = list(diagnostics)
        if diagnostics:
            container = self.sub(parent, "diagnostics")
            for diagnostic in diagnostics:
                self.diagnostic(container, diagnostic)

    def record(self, parent, schema: str, packing: str, data, position: int | None) -> None:
        record = self.sub(parent, "record")
        self.sub(record, "recordSchema", schema)
        self.sub(record, "recordXMLEscaping" if self.version == "2.0" else "recordPacking", packing)
        holder = self.sub(record, "recordData")
        if packing == "string":
            holder.text = etree.tostring(data, encoding="unicode")
        else:
            holder.append(data)
        if position is not None:
            self.sub(record, "recordPosition", str(position))


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def search_response(
    request: SRURequest,
    total: int,
    records: list[RecordOut],
    diagnostics: list[Diagnostic],
    *,
    exact: bool = True,
) -> bytes:
    build = _Builder(request.version)
    root = build.root("searchRetrieveResponse")
    if request.version != "2.0":
        build.sub(root, "version", request.version)
    build.sub(root, "numberOfRecords", str(total))
    if request.version == "2.0":
        build.sub(root, "resultCountPrecision", PRECISION + ("exact" if exact else "minimum"))
    if records:
        container = build.sub(root, "records")
        for item in records:
            _add_record(build, container, item, request.packing)
    last = records[-1].position if records else request.start - 1
    if records and last < total:
        build.sub(root, "nextRecordPosition", str(last + 1))
    build.diagnostics(root, diagnostics)
    return _serialise(root)


def _add_record(build: _Builder, container, item: RecordOut, packing: str) -> None:
    if item.data is not None:
        build.record(container, item.schema.identifier, packing, item.data, item.position)
        return
    # A surrogate diagnostic: the record's place in the list, with why it is missing.
    holder = etree.Element("holder")
    element = build.diagnostic(holder, item.diagnostic)
    build.record(container, DIAGNOSTIC_SCHEMA, packing, element, item.position)


def diagnostics_response(request: SRURequest, diagnostics: list[Diagnostic]) -> bytes:
    """A fatal answer: no records, the diagnostics that say why."""
    if request.operation == "explain":
        build = _Builder(request.version)
        root = build.root("explainResponse")
        build.sub(root, "version", request.version)
        build.diagnostics(root, diagnostics)
        return _serialise(root)
    return search_response(request, 0, [], diagnostics)


def explain_response(request: SRURequest, config: SRUConfig) -> bytes:
    build = _Builder(request.version)
    root = build.root("explainResponse")
    build.sub(root, "version", request.version)
    build.record(root, ZEEREX, request.packing, _zeerex(request, config), None)
    return _serialise(root)


def _zeerex(request: SRURequest, config: SRUConfig) -> etree._Element:
    z = f"{{{ZEEREX}}}"
    explain = etree.Element(f"{z}explain", nsmap={None: ZEEREX})

    def sub(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
        element = etree.SubElement(parent, f"{z}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    server = sub(
        explain,
        "serverInfo",
        protocol="SRU",
        version=request.version,
        transport="http",
        method="GET POST",
    )
    sub(server, "host", config.host)
    sub(server, "port", str(config.port))
    sub(server, "database", config.database)
    database = sub(explain, "databaseInfo")
    sub(database, "title", "Mục lục liên hợp quốc gia Việt Nam", lang="vi", primary="true")
    sub(database, "title", "Vietnam national union catalogue", lang="en")
    sub(
        database,
        "description",
        "Biểu ghi thư mục MARC 21 của các thư viện Việt Nam; tìm không phân biệt dấu.",
        lang="vi",
    )
    sub(
        database,
        "description",
        "MARC 21 bibliographic records of Vietnam's libraries; matching ignores diacritics.",
        lang="en",
    )
    _index_info(explain, sub)
    schemas = sub(explain, "schemaInfo")
    for schema in SCHEMAS.values():
        element = sub(schemas, "schema", identifier=schema.identifier, name=schema.name)
        sub(element, "title", schema.title)
    _config_info(explain, sub, config)
    return explain


def _index_info(explain, sub) -> None:
    info = sub(explain, "indexInfo")
    for name, identifier in CONTEXT_SETS.items():
        sub(info, "set", name=name, identifier=identifier)
    grouped: dict[int, list[tuple[str, str]]] = {}
    described = {}
    for (set_name, index), target in INDEXES.items():
        grouped.setdefault(id(target), []).append((set_name, index))
        described[id(target)] = target
    for key, names in grouped.items():
        index = sub(info, "index", search="true")
        sub(index, "title", described[key].title)
        for set_name, name in names:
            sub(sub(index, "map"), "name", _camel(name), set=set_name)


_CAMEL = {
    "serverchoice": "serverChoice",
    "allindexes": "allIndexes",
    "personalname": "personalName",
    "corporatename": "corporateName",
    "topicalsubject": "topicalSubject",
    "standardidentifier": "standardIdentifier",
}


def _camel(name: str) -> str:
    return _CAMEL.get(name, name)


def _config_info(explain, sub, config: SRUConfig) -> None:
    info = sub(explain, "configInfo")
    sub(info, "default", str(config.default_records), type="numberOfRecords")
    sub(info, "setting", str(config.max_records), type="maximumRecords")
    sub(info, "default", "dc", type="contextSet")
    sub(info, "default", "marcxml", type="retrieveSchema")
    for relation in sorted(set().union(*RELATIONS.values())):
        sub(info, "supports", relation, type="relation")
    for operator in ("and", "or", "not"):
        sub(info, "supports", operator, type="booleanOperator")
    for modifier in ("ignoreCase", "ignoreAccents", "masked", "unmasked"):
        sub(info, "supports", modifier, type="relationModifier")
    sub(info, "supports", "dc.title dc.date", type="sortKeyword")
