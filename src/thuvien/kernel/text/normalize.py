"""Unicode normalisation and search folding for Vietnamese text."""

import unicodedata


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC with surrounding whitespace trimmed and inner runs collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def search_key(text: str) -> str:
    """Exact-match key: NFC, lower case; diacritics kept."""
    return normalize_text(text).lower()


def fold_for_search(text: str) -> str:
    """Diacritic-insensitive key: lower case, tone and vowel marks removed, đ -> d."""
    decomposed = unicodedata.normalize("NFD", search_key(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")
