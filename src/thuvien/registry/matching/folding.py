"""Words of a text as the matcher compares them: folded by the kernel, split into runs of
letters or digits. The vocabulary is folded by the same function when it is loaded, so
that it keeps agreeing with the input whatever the kernel's folding learns."""

import re

from thuvien.kernel.text import fold_for_search

try:  # the kernel's tokenizer folds and splits in one cached pass
    from thuvien.kernel.text import tokens as _kernel_tokens
except ImportError:  # pragma: no cover - older kernels fold only
    _kernel_tokens = None

_WORD = re.compile(r"[^\W\d_]+|\d+")  # letters or digits: "q1" -> "q", "1"
_APOSTROPHES = re.compile(r"['’`´]")


def words(text: str) -> list[str]:
    """Folded words and numbers; apostrophes vanish so that "Mary's" stays one word."""
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    if _kernel_tokens is not None:
        return [piece for token in _kernel_tokens(text) for piece in _WORD.findall(token)]
    return _WORD.findall(fold_for_search(text))


def word(text: str) -> str:
    """One vocabulary entry as a single folded token ("congty", "thuvien")."""
    return "".join(words(text))
