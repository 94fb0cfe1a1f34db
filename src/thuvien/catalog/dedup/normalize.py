"""Text rules for comparing bibliographic values: titles without ISBD punctuation or a
leading article, numbers written as words or roman numerals, edition statements, page
counts, publishers without their "& Co.", and names reduced to surname and initials.

Everything is folded with the kernel's Vietnamese folding (diacritics off, đ -> d, i/y
variants joined), so "Lịch sử Việt Nam" and "Lich su Viet Nam" give the same words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from thuvien.kernel.text import tokens

__all__ = [
    "edition_number",
    "extent_numbers",
    "name_key",
    "number_value",
    "numbering",
    "publisher_words",
    "title_words",
]

# Leading articles dropped from titles when 245 ind2 does not count them (older records,
# other languages). Vietnamese has none; "những", "các" are words of the title.
_ARTICLES = frozenset(
    "the a an le la les l der die das ein eine el los las lo il gli un une uno una de het".split()
)
_ROMAN = re.compile(r"^(?=[mdclxvi])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_NUMBER_WORDS = {
    word: value
    for value, words in enumerate(
        [
            "",
            "one first i premier premiere erste erster ersten mot nhat",
            "two second ii deuxieme seconde zweite zweiter hai nhi",
            "three third iii troisieme dritte dritter ba",
            "four fourth iv quatrieme vierte bon tu",
            "five fifth v cinquieme funfte nam",
            "six sixth vi sixieme sechste sau",
            "seven seventh vii septieme siebente siebte bay",
            "eight eighth viii huitieme achte tam",
            "nine ninth ix neuvieme neunte chin",
            "ten tenth x dixieme zehnte muoi",
            "eleven eleventh xi",
            "twelve twelfth xii",
        ]
    )
    for word in words.split()
}
# "2nd", "3d", "4th", "2e", "2ème", "2.", "2-е": a digit run with an ordinal ending.
_ORDINAL = re.compile(r"^(\d{1,3})(?:st|nd|rd|th|d|e|er|eme|re|te|ten|ter|a|o)?$")
# A new impression or printing ("4th impression", "in lần thứ 2") is the same edition.
_PRINTING = re.compile(r"impression|printing|tirage|nachdruck|druk|in lần|reprint", re.IGNORECASE)
_EDITION_CUE = re.compile(
    r"\b(ed|edition|editions|edn|aufl|auflage|uitg|druk|edicion|edizione|utg|izd|"
    r"tai ban|xuat ban lan|lan thu)\b"
)
_VOLUME_UNIT = re.compile(r"^(v|vol|vols|volumes?|t|tap|bd|bde|pt|parts?)$")
_UNIT_WORDS = re.compile(
    r"^(v|vol|vols|volume|t|tap|quyen|bd|band|pt|part|no|nos|number|n|fasc|heft|book|bk|ser|"
    r"series|sect|section|so|ky|phan|chuong|livre|tome|teil|c|cong|sess|d)$"
)
_PUBLISHER_NOISE = frozenset(
    "co company inc incorporated ltd limited corp corporation the and publisher publishers "
    "publishing pub pubs publ press printed printer printers print for by sons son bros brothers "
    "verlag editions editorial editora nxb nha xuat ban cong ty ltd llc plc gmbh ag sa cie "
    "et und y e libreria".split()
)


@lru_cache(maxsize=65536)
def number_value(word: str) -> int | None:
    """ "2", "2nd", "second", "ii", "deuxième" (folded) -> 2; None when not a number."""
    if _digits(word):
        return int(word) if len(word) <= 6 else None
    matched = _ORDINAL.match(word)
    if matched:
        return int(matched.group(1))
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    if len(word) <= 7 and _ROMAN.match(word):
        return _roman(word)
    return None


def _digits(word: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²" and "⁰", which int() rejects."""
    return word.isascii() and word.isdigit()


def _roman(word: str) -> int:
    total = 0
    for char, following in zip(word, [*word[1:], ""], strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def title_words(text: str, skip: int = 0) -> list[str]:
    """Folded words of a title, without the leading article.

    ``skip`` is 245 ind2 (non-filing characters); when it is 0 a known article is
    dropped anyway, since many records leave ind2 at 0.
    """
    words = tokens(text[skip:] if 0 < skip < len(text) else text)
    if len(words) > 1 and words[0] in _ARTICLES and not skip:
        return words[1:]
    return words


def edition_number(text: str | None) -> int | None:
    """The edition number of a 250 statement: "2nd ed.", "Second edition", "2. Aufl.",
    "3e éd.", "Tái bản lần thứ 2" -> 2 (None when no number is stated)."""
    if not text or _PRINTING.search(text):
        return None
    words = tokens(text.replace(".", ". "))
    for index, word in enumerate(words):
        value = number_value(word)
        if value is None or value > 200:
            continue
        near = " ".join(words[max(0, index - 4) : index + 3])
        if _EDITION_CUE.search(near) or index == 0:
            return value
    return None


def extent_numbers(extent: str | None) -> tuple[int | None, int]:
    """(volume count, prelim pages in roman numerals) of a 300 $a: "2 v." -> (2, 0);
    "xvi, 554 p." -> (None, 16). Page counts are extract's ``pages``."""
    if not extent:
        return None, 0
    words = tokens(re.sub(r"(\d)([a-z])", r"\1 \2", extent.lower()))
    volumes: int | None = None
    for index, word in enumerate(words[:-1]):
        if _digits(word) and _VOLUME_UNIT.match(words[index + 1]):
            volumes = int(word)
            break
    prelims = _roman(words[0]) if words and _ROMAN.match(words[0]) else 0
    return volumes, prelims


def numbering(text: str) -> list[int]:
    """Numbers of a part or series numbering ("v. 5, fasc. 1" -> [5, 1]; "Part II" -> [2]):
    words that only name the unit ("v", "no", "pt") are not read as roman numerals."""
    found = [number_value(w) for w in tokens(text) if not _UNIT_WORDS.match(w)]
    return [n for n in found if n is not None]


def publisher_words(text: str) -> list[str]:
    """Folded publisher words without company forms: "Otis, Broaders, and Company" and
    "Otis Broaders & Co." both give ["otis", "broaders"]."""
    return [w for w in tokens(text) if w not in _PUBLISHER_NOISE]


def name_key(name: str) -> tuple[str, str]:
    """(folded surname, initials) of a personal name heading: "Kyle, David Braden" and
    "Kyle, D. Braden (David Braden)" give ("kyle", "db"); direct order ("Nguyễn Khắc Mai"
    without a comma) keeps the whole name as the surname part, as Vietnamese names do."""
    head = name.split("(", 1)[0]
    if "," in head:
        surname, given = head.split(",", 1)
        initials = "".join(word[0] for word in tokens(given) if not word.isdigit())
        return " ".join(tokens(surname)), initials
    return " ".join(tokens(head)), ""
