"""Vietnamese text toolkit: normalisation, search folding and legacy encodings."""

from thuvien.kernel.text.normalize import fold_for_search, normalize_text, search_key

__all__ = ["fold_for_search", "normalize_text", "search_key"]
