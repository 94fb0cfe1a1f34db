"""Character and word error rates of OCR output against a ground truth.

Both texts are normalised the same way before they are compared, so that only what a reader
would see as a difference counts:

- Unicode NFC, with Vietnamese tone marks stored before the vowel mark put after it first
  (``thuvien.kernel.text.normalize_text``): "ế" typed as e + acute + circumflex equals "ế";
- whitespace: every run of spaces, tabs and newlines becomes one space, and the ends are trimmed,
  so line breaks and paragraph breaks (which OCR re-flows) are not errors.

Nothing else is folded: case, punctuation, quotes and diacritics all count.
"""

from rapidfuzz.distance import Levenshtein

from thuvien.kernel.text import normalize_text

__all__ = ["cer", "normalise", "wer"]


def normalise(text: str) -> str:
    """The form both sides are compared in (see the module docstring)."""
    return normalize_text(text)


def _rate(reference: list[str] | str, hypothesis: list[str] | str) -> float:
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return Levenshtein.distance(reference, hypothesis) / len(reference)


def cer(reference: str, hypothesis: str) -> float:
    """Edits (insertions, deletions, substitutions) per reference character, over NFC characters.

    0.0 is a perfect match; it can exceed 1.0 when the hypothesis is much longer than the reference.
    An empty reference gives 0.0 against an empty hypothesis and 1.0 against anything else.
    """
    return _rate(normalise(reference), normalise(hypothesis))


def wer(reference: str, hypothesis: str) -> float:
    """Edits per reference word, words being the space-separated tokens of the normalised text."""
    return _rate(normalise(reference).split(), normalise(hypothesis).split())
