"""Pure helpers for the names of administrative units: type prefixes, match keys, English names.

Names in the official lists carry their type ("Phường Bến Nghé", "Tỉnh An Giang"); people write
them without it, abbreviated ("Q. 1", "TP.HCM") or without diacritics ("Da Nang"). Everything here
works on the output of ``fold_for_search`` so that stored keys and query keys agree.
"""

import re
import unicodedata

from thuvien.kernel.text import fold_for_search

# Folded type words as they start a unit's name, longest first so "thanh pho" wins over "tp".
TYPE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("thanh pho", "thành phố"),
    ("dac khu", "đặc khu"),
    ("thi tran", "thị trấn"),
    ("thi xa", "thị xã"),
    ("phuong", "phường"),
    ("huyen", "huyện"),
    ("quan", "quận"),
    ("tinh", "tỉnh"),
    ("xa", "xã"),
)

# Abbreviations seen in addresses; a single letter only counts before a dot or a number.
_ABBREVIATIONS: dict[str, str] = {
    "tp": "thành phố",
    "tx": "thị xã",
    "tt": "thị trấn",
    "dk": "đặc khu",
    "q": "quận",
    "h": "huyện",
    "p": "phường",
    "x": "xã",
    "t": "tỉnh",
}
# No Vietnamese syllable is spelt "tp", "tx", "tt" or "dk", so those need no dot.
_ABBREVIATION_RE = re.compile(
    r"^(?:(tp|tx|tt|dk)(?:\.\s*|\s+|(?=\d))|(q|h|p|x|t)(?:\.\s*|\s+(?=\d)|(?=\d)))(.*)$"
)
_TYPE_WORD_RE = re.compile(r"^(" + "|".join(f for f, _ in TYPE_PREFIXES) + r")\s+(.*)$")
# English addresses put the type after the name: "Can Tho City", "Gia Lam District".
_ENGLISH_TYPE_RE = re.compile(r"^(.*\S)\s+(city|province|district|ward|commune|town|township)$")
_ENGLISH_NUMBERED_RE = re.compile(r"^(district|ward)\s+(\d+)$")  # "District 1", "Ward 12"

# Province names people use that are not the official name, keyed by compact key.
PROVINCE_ALIASES: dict[str, str] = {
    "hcm": "hochiminh",
    "tphcm": "hochiminh",
    "hcmc": "hochiminh",
    "saigon": "hochiminh",
    "thuathienhue": "hue",
    "brvt": "bariavungtau",
    "hn": "hanoi",
}

_ENGLISH_SUFFIX: dict[str, str] = {
    "tỉnh": "Province",
    "thành phố trung ương": "City",
    "thành phố": "City",
    "quận": "District",
    "huyện": "District",
    "thị xã": "Town",
    "phường": "Ward",
    "xã": "Commune",
    "thị trấn": "Township",
    "đặc khu": "Special Zone",
}


def compact_key(text: str) -> str:
    """Folded text with everything but letters and digits removed: "Đắk Lắk" -> "daklak"."""
    return "".join(ch for ch in fold_for_search(text) if ch.isalnum())


def split_type(name: str) -> tuple[str, str]:
    """Split a name into (folded type word, rest): "Phường Bến Nghé" -> ("phuong", "Bến Nghé").

    The type is "" when the name does not start with one.
    """
    words = name.split()
    folded_words = fold_for_search(" ".join(words[:2])).split()
    for folded, _ in TYPE_PREFIXES:
        size = folded.count(" ") + 1
        if len(words) > size and " ".join(folded_words[:size]) == folded:
            return folded, " ".join(words[size:])
    return "", name


def short_name(name: str) -> str:
    """The name without its type word: "Thành phố Hà Nội" -> "Hà Nội"."""
    return split_type(name)[1]


def name_key(name: str) -> str:
    """The key stored for matching: compact key of the name without its type word."""
    return compact_key(short_name(name))


def query_keys(part: str) -> tuple[str, set[str]]:
    """Read one comma-separated part of an address into (type hint, candidate keys).

    Both the stripped and the unstripped reading are kept, because a name may itself start
    with a type-like word ("Xã Xà Phìn" written as "Xà Phìn").
    """
    folded = " ".join(fold_for_search(part).replace("_", " ").split())
    keys = {compact_key(folded)}
    hint = ""
    abbreviated = _ABBREVIATION_RE.match(folded)
    if abbreviated:
        short = abbreviated.group(1) or abbreviated.group(2)
        hint = fold_for_search(_ABBREVIATIONS[short])
        folded = abbreviated.group(3)
        keys.add(compact_key(folded))
    typed = _TYPE_WORD_RE.match(folded)
    if typed:
        hint = hint or typed.group(1)
        keys.add(compact_key(typed.group(2)))
    english = _ENGLISH_TYPE_RE.match(folded)
    if english:
        keys.add(compact_key(english.group(1)))
    numbered = _ENGLISH_NUMBERED_RE.match(folded)
    if numbered:
        hint = hint or ("quan" if numbered.group(1) == "district" else "phuong")
        keys.add(numbered.group(2))
    keys.discard("")
    return hint, keys


def province_keys(text: str) -> set[str]:
    """Candidate keys of a province as written, with aliases: "TP.HCM" -> "hochiminh"."""
    _, keys = query_keys(text)
    return {PROVINCE_ALIASES.get(key, key) for key in keys}


def has_diacritics(text: str) -> bool:
    """Whether the text carries Vietnamese marks, i.e. the writer meant one spelling exactly."""
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.combining(ch) for ch in decomposed) or "đ" in text.lower()


def ascii_title(text: str) -> str:
    """Strip diacritics but keep case: "Bến Nghé" -> "Ben Nghe"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def english_name(name: str, unit_type: str) -> str:
    """The usual English form: "Quận 1" -> "District 1", "Xã Gia Lâm" -> "Gia Lam Commune"."""
    rest = ascii_title(short_name(name))
    suffix = _ENGLISH_SUFFIX.get(unit_type, "")
    if not suffix:
        return rest
    # Numbered units put the type first, as in "District 1" and "Ward 12".
    if rest.isdigit():
        return f"{suffix} {rest}"
    return f"{rest} {suffix}"


CODE_WIDTH: dict[str, int] = {"province": 2, "district": 3, "commune": 5}


def pad_code(level: str, code: str | int) -> str:
    """Official codes are zero-padded by level: province "01", district "001", commune "00004"."""
    text = str(code).strip()
    if not text.isdigit():
        raise ValueError(
            f"Mã không hợp lệ “{code}”: chỉ gồm chữ số. / Invalid code “{code}”: digits only."
        )
    return text.zfill(CODE_WIDTH[level])
