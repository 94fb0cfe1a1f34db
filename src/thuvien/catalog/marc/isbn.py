"""Standard numbers (ISBN, ISSN, LCCN, OCLC numbers): reading them out of catalogued
text, checking, and converting.

Field 020 $a holds more than the number: "0716750139 :", "978-604-1-23456-7 (pbk.)",
"9786045012345 : 50000đ". We keep the digits and drop the qualifier and price. An
ISBN-10 and its ISBN-13 (prefix 978) are the same book, so search and deduplication use
both forms. An ISBN whose check digit fails is kept as catalogued (it is what is printed
on the book and what a reader types) but never converted: converting would invent a
number the book does not carry.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "compact_isbn",
    "is_valid_isbn",
    "is_valid_issn",
    "isbn_keys",
    "isbn_qualifier",
    "normalize_issn",
    "normalize_lccn",
    "oclc_number",
    "to_isbn10",
    "to_isbn13",
]

# Where the number ends and its qualifier or price begins.
_QUALIFIER_START = re.compile(r"[(:;/=,]|\s[-–—]\s")
_LABEL = re.compile(r"^\s*(?:ISBN|ISSN)(?:[-\s]*1[03])?\s*[:.]?\s*", re.IGNORECASE)
_NUMBER_RUN = re.compile(r"[0-9][0-9\s\-‐‑–]*[0-9X]|[0-9]")
_SEPARATORS = re.compile(r"[\s\-‐‑–]")
_QUALIFIER_TEXT = re.compile(r"\(([^)]*)\)")
_OCLC = re.compile(r"^\s*\(OCoLC\)\s*(?:ocm|ocn|on)?\s*0*(\d+)", re.IGNORECASE)
_ISSN = re.compile(r"([0-9]{4})\s*[-‐‑–]?\s*([0-9]{3}[0-9X])")


def _prepared(text: str) -> str:
    """Full-width digits folded to ASCII, upper case, the "ISBN" label removed."""
    return _LABEL.sub("", unicodedata.normalize("NFKC", text).upper())


def compact_isbn(text: str | None) -> str | None:
    """The ISBN in ``text`` as bare digits (and a final X), without its qualifier.

    Returns the first 10- or 13-character number found; failing that, the digits of
    the first number-like run (an ISBN catalogued with a digit missing stays
    visible); None when there are no digits at all.
    """
    if not text:
        return None
    prepared = _prepared(text)
    cut = _QUALIFIER_START.search(prepared)
    head = prepared[: cut.start()] if cut else prepared
    first: str | None = None
    for run in _NUMBER_RUN.findall(head) or _NUMBER_RUN.findall(prepared):
        compact = _SEPARATORS.sub("", run)
        if len(compact) in (10, 13):
            return compact
        # Two numbers in one subfield ("0851705774 9780851705774"): try each word.
        for word in run.split():
            word = _SEPARATORS.sub("", word)
            if len(word) in (10, 13):
                return word
        first = first or compact
    return first


def isbn_qualifier(text: str | None) -> str | None:
    """The qualifier catalogued with an ISBN ("pbk.", "tập 1"), if any."""
    if not text:
        return None
    found = _QUALIFIER_TEXT.search(text)
    return found.group(1).strip() or None if found else None


def _isbn10_check(first9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _isbn13_check(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _valid_compact(isbn: str) -> bool:
    if len(isbn) == 10:
        return (
            isbn[:9].isdigit()
            and (isbn[9].isdigit() or isbn[9] == "X")
            and (_isbn10_check(isbn[:9]) == isbn[9])
        )
    if len(isbn) == 13:
        return (
            isbn.isdigit() and isbn[:3] in ("978", "979") and _isbn13_check(isbn[:12]) == isbn[12]
        )
    return False


def is_valid_isbn(text: str | None) -> bool:
    """True if ``text`` holds an ISBN-10 or ISBN-13 whose check digit is right."""
    isbn = compact_isbn(text)
    return isbn is not None and _valid_compact(isbn)


def to_isbn13(text: str) -> str | None:
    """The ISBN-13 of a valid ISBN (10 or 13), or None if it is not valid."""
    isbn = compact_isbn(text)
    if isbn is None or not _valid_compact(isbn):
        return None
    if len(isbn) == 13:
        return isbn
    first12 = "978" + isbn[:9]
    return first12 + _isbn13_check(first12)


def to_isbn10(text: str) -> str | None:
    """The ISBN-10 of a valid ISBN; None if invalid or if it starts with 979 (those
    have no ISBN-10)."""
    isbn = compact_isbn(text)
    if isbn is None or not _valid_compact(isbn):
        return None
    if len(isbn) == 10:
        return isbn
    if not isbn.startswith("978"):
        return None
    return isbn[3:12] + _isbn10_check(isbn[3:12])


def isbn_keys(text: str | None) -> set[str]:
    """Every form under which ``text``'s ISBN should be found.

    A valid ISBN gives its ISBN-13 and, for the 978 prefix, its ISBN-10. An invalid
    one gives itself, compacted, and nothing more. No digits: the empty set.
    """
    isbn = compact_isbn(text)
    if isbn is None:
        return set()
    if not _valid_compact(isbn):
        return {isbn}
    keys = {isbn, to_isbn13(isbn) or isbn}
    ten = to_isbn10(isbn)
    if ten:
        keys.add(ten)
    return keys


def normalize_issn(text: str | None) -> str | None:
    """The ISSN in ``text`` written "NNNN-NNNC" (whether or not its check digit is
    right), or None if there is none."""
    if not text:
        return None
    found = _ISSN.search(_prepared(text))
    return f"{found.group(1)}-{found.group(2)}" if found else None


def is_valid_issn(text: str | None) -> bool:
    """True if ``text`` holds an ISSN whose check digit is right."""
    issn = normalize_issn(text)
    if issn is None:
        return False
    digits = issn.replace("-", "")
    total = sum(int(d) * (8 - i) for i, d in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def normalize_lccn(value: str | None) -> str | None:
    """An LCCN normalised as LC prescribes: no blanks, nothing after "/", and the
    serial number after a hyphen padded to six digits ("   00236597 " -> "00236597",
    "n78-890351" -> "n78890351", "85-2 " -> "85000002")."""
    if not value:
        return None
    text = "".join(value.split()).split("/", 1)[0]
    if "-" in text:
        prefix, serial = text.split("-", 1)
        if serial.isdigit():
            text = prefix + serial.zfill(6)
    return text or None


def oclc_number(value: str | None) -> str | None:
    """The OCLC number of a 035 $a "(OCoLC)ocm12345678", without prefix or leading
    zeros; None for other systems' numbers."""
    found = _OCLC.match(value or "")
    return found.group(1) if found else None
