"""Detection accuracy on real Vietnamese text encoded by independent converters.

Each corpus line (and short snippets of it) is encoded in every legacy encoding by an
oracle, as raw bytes and as mojibake, then detected. Long strings must all be right;
short ones are measured and held to a floor well under what they reach, so a
regression shows. Run with ``-s`` to see the figures.
"""

import re
import unicodedata
from collections.abc import Callable

import pytest

from tests.kernel.test_text_legacy import CORPUS, cp1258_form, iconv, mojibake, viparse_encoder
from thuvien.kernel.text.codetables import TCVN3
from thuvien.kernel.text.legacy import detect_encoding, to_unicode

LONG = 60  # characters


def tcvn3_typed(text: str) -> str:
    """What a typist produced in TCVN3: capital toned letters do not exist, so lower."""
    return "".join(c if c.isascii() or c in TCVN3.values() else c.lower() for c in text)


def encode_viscii(text: str) -> bytes:
    return iconv(text.encode("utf-8"), "UTF-8", "VISCII")


ENCODERS: dict[str, Callable[[str], bytes | None]] = {
    "tcvn3": lambda text: viparse_encoder("tcvn3")(tcvn3_typed(text)),
    "vni": viparse_encoder("vni"),
    "viscii": encode_viscii,
    "cp1258": lambda text: cp1258_form(text).encode("cp1258"),
}


def snippets(words_per_snippet: int, limit: int = 800) -> list[str]:
    found: list[str] = []
    for line in CORPUS:
        words = line.split()
        for start in range(0, len(words) - words_per_snippet + 1, words_per_snippet):
            snippet = " ".join(words[start : start + words_per_snippet])
            if re.search(r"[^\x00-\x7f]", snippet):
                found.append(snippet)
    return found[:limit]


def sets() -> dict[str, list[str]]:
    return {
        "1 word": snippets(1),
        "2 words": snippets(2),
        "4 words": snippets(4),
        f"lines >= {LONG} chars": [line for line in CORPUS if len(line) >= LONG],
    }


def encoded_batch(encoding: str, texts: list[str]) -> list[tuple[str, bytes]]:
    if encoding == "viscii":  # one iconv call for the whole batch
        blob = encode_viscii("\n".join(texts))
        return list(zip(texts, blob.split(b"\n"), strict=True))
    pairs = [(text, ENCODERS[encoding](text)) for text in texts]
    return [(text, data) for text, data in pairs if data is not None]


def same_text(a: str, b: str, encoding: str) -> bool:
    # TCVN3 cannot carry case on toned letters, so its readings compare caselessly.
    if encoding == "tcvn3":
        return a.lower() == b.lower()
    return a == b


def measure(encoding: str, texts: list[str]) -> dict[str, float]:
    label = converted = total = 0
    for text, data in encoded_batch(encoding, texts):
        for form in (data, mojibake(data)):
            total += 1
            detection = detect_encoding(form)
            label += detection.encoding == encoding
            # Where the bytes read the same as Latin-1 ("các" in VISCII), taking them
            # as they are is also right: count the text a caller would end up with.
            result = to_unicode(form, detection.encoding)
            converted += same_text(result, text, encoding)
    return {"label": label / total, "text": converted / total, "n": total}


@pytest.fixture(scope="module")
def figures() -> dict[tuple[str, str], dict[str, float]]:
    results = {}
    for name, texts in sets().items():
        for encoding in ENCODERS:
            results[(encoding, name)] = measure(encoding, texts)
    print("\nencoding  set                    n     label  converted right")
    for (encoding, name), figure in results.items():
        print(
            f"{encoding:8}  {name:20} {figure['n']:5}  {figure['label']:.3f}  {figure['text']:.3f}"
        )
    return results


@pytest.mark.parametrize("encoding", list(ENCODERS))
def test_every_long_string_is_detected(encoding: str, figures: dict) -> None:
    figure = figures[(encoding, f"lines >= {LONG} chars")]
    assert figure["n"] > 150
    assert figure["label"] == 1.0
    assert figure["text"] == 1.0


@pytest.mark.parametrize("encoding", list(ENCODERS))
def test_short_strings_are_mostly_detected(encoding: str, figures: dict) -> None:
    assert figures[(encoding, "4 words")]["text"] >= 0.97
    assert figures[(encoding, "2 words")]["text"] >= 0.9
    assert figures[(encoding, "1 word")]["text"] >= 0.85


def test_unicode_lines_are_never_taken_for_legacy() -> None:
    for line in CORPUS:
        for form in (line, unicodedata.normalize("NFD", line)):
            assert not detect_encoding(form).is_legacy, form
        assert detect_encoding(line.encode("utf-8")).encoding == "utf-8"
