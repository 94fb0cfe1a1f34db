"""The English catalogue: complete, well formed, compiled, and used by the pages under /en/."""

from __future__ import annotations

import gettext
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests import factories

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# ---- a small reader for the PO format ------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(literal: str) -> str:
    assert literal.startswith('"') and literal.endswith('"'), literal
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], literal[1:-1])


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the keyword that continuation lines extend

    def start(number: int) -> Entry:
        nonlocal entry
        if entry is None or (target is not None and target[0] == "msgstr"):
            entry = Entry(line=number)
            entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):
            start(number).obsolete = True
            continue
        if line.startswith("#,"):
            start(number).flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            target = None
            continue
        if line.startswith("#"):
            start(number)
            target = None
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid"):
                current = start(number)
                target = None
            else:
                current = entry
            assert current is not None, f"{path}:{number}: {keyword} outside an entry"
            text = _unquote(literal)
            if keyword == "msgctxt":
                current.msgctxt, target = text, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, target = text, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = text, ("msgid_plural", 0)
            else:
                slot = int(index or 0)
                current.msgstr[slot], target = text, ("msgstr", slot)
            continue
        assert line.startswith('"') and entry is not None and target is not None, (
            f"{path}:{number}: cannot read {raw!r}"
        )
        text = _unquote(line)
        kind, slot = target
        if kind == "msgstr":
            entry.msgstr[slot] += text
        elif kind == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        else:
            setattr(entry, kind, getattr(entry, kind) + text)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert PO_PATH.is_file(), f"missing {PO_PATH}"
    return read_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(catalogue) -> list[Entry]:
    return [e for e in catalogue if e.msgid and not e.obsolete]


# ---- the catalogue itself -----------------------------------------------------------------


def test_header_declares_english_utf8_and_is_not_fuzzy(catalogue):
    header = next(e for e in catalogue if e.msgid == "" and e.msgctxt is None)
    assert "fuzzy" not in header.flags
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "en"
    assert "charset=UTF-8" in fields["Content-Type"]
    assert fields["Plural-Forms"].startswith("nplurals=2;")


def test_catalogue_covers_the_interface(messages):
    ids = {e.msgid for e in messages}
    assert len(ids) == len(messages), "duplicate msgids"
    assert len(messages) > 300
    for msgid in ("Đăng nhập", "Danh bạ thư viện Việt Nam", "mã định danh", "Sáp nhập"):
        assert msgid in ids


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert fuzzy == []
    untranslated = [
        e.msgid for e in messages if any(not e.msgstr.get(i, "").strip() for i in _forms(e))
    ]
    assert untranslated == []


def _forms(entry: Entry) -> range:
    return range(2) if entry.msgid_plural is not None else range(1)


_PERCENT = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")  # %(n)s %s %%
_BRACES = re.compile(r"\{[^{}\s]*\}")  # {name}, {0}, {}


def _placeholders(entry: Entry, text: str) -> list[str]:
    found = _BRACES.findall(text)
    if "python-format" in entry.flags:  # elsewhere a % is just a character
        found += _PERCENT.findall(text)
    return sorted(found)


def test_placeholders_are_preserved(messages):
    broken = []
    for entry in messages:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        for translated in entry.msgstr.values():
            if all(_placeholders(entry, translated) != _placeholders(entry, s) for s in sources):
                broken.append((entry.msgid, translated))
    assert broken == []


_BILINGUAL = re.compile(r"^(?P<vi>.*\S) / (?P<en>[A-Za-z][ -~]*)$")


def test_bilingual_messages_become_their_english_part(messages):
    """'Tệp rỗng / the file is empty' is translated to 'The file is empty'."""
    checked = 0
    for entry in messages:
        match = _BILINGUAL.match(entry.msgid)
        if match and not match.group("vi").isascii():
            english = match.group("en")
            assert entry.msgstr[0] == english[0].upper() + english[1:], entry.msgid
            checked += 1
    assert checked >= 1


def test_translations_are_english(messages):
    """No Vietnamese left in a translation, apart from place names and search examples."""
    vietnamese_letters = re.compile(
        r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE
    )
    allowed = {
        "Ví dụ: thu vien tinh, Đà Nẵng, đại học",  # examples of what to type
        "Theo Điều 3–4 Nghị định 93/2020/NĐ-CP",
    }  # the decree's own number
    leftovers = [
        (e.msgid, e.msgstr[0])
        for e in messages
        if e.msgid not in allowed and vietnamese_letters.search(e.msgstr[0])
    ]
    assert leftovers == []


def test_compiled_catalogue_matches_the_po(messages):
    """The committed .mo is compiled from the committed .po (a clone needs no gettext tools)."""
    assert MO_PATH.is_file(), f"missing {MO_PATH}: run compilemessages"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages:
        if entry.msgid_plural is not None:
            got = [
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt is not None
                else compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            ]
            want = [entry.msgstr[0], entry.msgstr[1]]
        elif entry.msgctxt is not None:
            got, want = compiled.pgettext(entry.msgctxt, entry.msgid), entry.msgstr[0]
        else:
            got, want = compiled.gettext(entry.msgid), entry.msgstr[0]
        if got != want:
            stale.append(entry.msgid)
    assert stale == []


def test_django_serves_the_catalogue_in_english(messages):
    simple = [e for e in messages if e.msgid_plural is None]
    with translation.override("en"):
        wrong = [
            e.msgid
            for e in simple
            if (
                translation.pgettext(e.msgctxt, e.msgid)
                if e.msgctxt is not None
                else translation.gettext(e.msgid)
            )
            != e.msgstr[0]
        ]
        assert wrong == []
        assert translation.gettext("Thư viện công cộng") == "Public library"
    with translation.override("vi"):
        assert translation.gettext("Đăng nhập") == "Đăng nhập"


# ---- pages under /en/ ---------------------------------------------------------------------


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _headings(page: str) -> list[str]:
    return [_text(h) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", page, re.S)]


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert '<html lang="en">' in page
    return page


NAVIGATION = {
    "Trang chủ": "Home",
    "Bản đồ": "Map",
    "Đăng nhập": "Sign in",
    "Bỏ qua, đến nội dung chính": "Skip to main content",
}


@pytest.mark.django_db
def test_home_page_in_english(client):
    page = _get(client, "/en/")
    headings = _headings(page)
    assert headings[0] == "Digital transformation platform for Vietnam's library sector"
    assert {"Directory", "Map", "For managing authorities"} <= set(headings)
    for vietnamese, english in {
        **NAVIGATION,
        "Nền tảng chuyển đổi số ngành thư viện Việt Nam": "Digital transformation platform",
        "Danh bạ": "Directory",
        "Dành cho cơ quan quản lý": "For managing authorities",
        "Mở bản đồ": "Open the map",
        "Gửi thông báo": "Submit a notification",
        "Tìm thư viện": "Search for libraries",
    }.items():
        assert english in page
        assert vietnamese not in page


@pytest.mark.django_db
def test_directory_page_in_english(client):
    page = _get(client, "/en/thu-vien/")
    assert _headings(page)[0] == "Directory of libraries in Vietnam"
    assert "<title>Library directory · thuvien</title>" in page
    for vietnamese, english in {
        **NAVIGATION,
        "Danh bạ thư viện": "Library directory",
        "Tìm thư viện": "Search for libraries",
        "Lọc kết quả": "Filter results",
        "có dấu hoặc không dấu": "with or without diacritics",
    }.items():
        assert english in page
        assert vietnamese not in page


@pytest.mark.django_db
def test_directory_facets_and_results_in_english(client):
    from thuvien.registry.services.indexing import rebuild

    hanoi = factories.hanoi()
    factories.library("Thư viện Hà Nội", hanoi)
    factories.library("Thư viện Trường THPT Chu Văn An", hanoi, library_type="school", level="")
    rebuild()
    page = _get(client, "/en/thu-vien/")
    for vietnamese, english in {
        "Loại thư viện": "Library type",
        "Thư viện công cộng": "Public library",
        "Cấp tỉnh": "Provincial level",
        "Không phân cấp": "No level",
        "Tình trạng": "Status",
        "Đang hoạt động": "Active",
        "Sở hữu": "Ownership",
        "Công lập": "Public",
        "Sắp xếp": "Sort by",
        "Phù hợp nhất": "Best match",
        "Tải về": "Download",
    }.items():
        assert english in page
        assert vietnamese not in page
    assert re.search(r"<strong>2</strong>\s*libraries", page)
    assert "Thư viện Hà Nội" in page  # the data itself stays as it is


@pytest.mark.django_db
def test_sign_in_page_in_english(client):
    page = _get(client, "/en/tai-khoan/dang-nhap/")
    assert _headings(page) == ["Sign in"]
    assert "<title>Sign in · thuvien</title>" in page
    assert "Username" in page and "Password" in page
    assert "Đăng nhập" not in page
    assert "Trang chủ" not in page


@pytest.mark.django_db
def test_vietnamese_stays_the_default(client):
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page
    assert _headings(page)[0] == "Nền tảng chuyển đổi số ngành thư viện Việt Nam"
    assert "Digital transformation platform" not in page
