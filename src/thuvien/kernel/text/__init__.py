"""Vietnamese text toolkit: normalisation, search folding and legacy encodings."""

from thuvien.kernel.text.legacy import Detection, detect_encoding, repair, to_unicode
from thuvien.kernel.text.normalize import (
    fold_for_search,
    nfc,
    normalize_text,
    search_key,
    tokens,
)

__all__ = [
    "Detection",
    "detect_encoding",
    "fold_for_search",
    "nfc",
    "normalize_text",
    "repair",
    "search_key",
    "to_unicode",
    "tokens",
]
