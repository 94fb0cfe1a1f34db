"""Draw the 200 union-catalogue benchmark queries from the Library of Congress file.

Each query is 1–3 consecutive words of a real title (245 $a) or personal name (100 $a) of
the file, drawn with a fixed seed, so every run and every engine gets the same queries.
Words keep the record's spelling (NFC); ISBD punctuation at either end of the pick is
trimmed, and picks made only of stopwords are skipped. Setup, not measured.

    .venv/bin/python bench/catalog_queries.py [--file PATH] [--out PATH] [--count 200]
"""

from __future__ import annotations

import argparse
import json
import random
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
LC_FILE = DATA / "BooksAll.2016.part01.utf8"
QUERIES_FILE = DATA / "catalog_queries.json"
SEED = 2016
COUNT = 200
TRIM = " \t,.;:/=+[]()\"'!?-"
STOPWORDS = frozenset(
    """a an and are as at be by for from in into is it of on or the to with
    au aux de des du et la le les un une l d
    der die das und den dem ein eine im zu von mit
    el los las y del en por con al
    i il di e da per""".split()
)


def read_fields(path: Path) -> tuple[list[str], list[str]]:
    """Every 245 $a and 100 $a of the file, as NFC text."""
    from pymarc import MARCReader

    titles: list[str] = []
    names: list[str] = []
    with path.open("rb") as handle:
        for record in MARCReader(handle, to_unicode=True, force_utf8=True, utf8_handling="replace"):
            if record is None:
                continue
            titles.extend(_subfield_a(record, "245"))
            names.extend(_subfield_a(record, "100"))
    return titles, names


def _subfield_a(record, tag: str) -> list[str]:
    return [
        unicodedata.normalize("NFC", value)
        for field in record.get_fields(tag)
        for value in field.get_subfields("a")[:1]
        if value.strip()
    ]


def pick(text: str, rng: random.Random) -> str | None:
    """1–3 consecutive words of ``text``, or None when the pick is not a usable query."""
    words = [w for w in text.split() if w.strip(TRIM)]  # drop lone "/", ":", "="
    if not words:
        return None
    size = min(rng.choice((1, 2, 2, 3, 3)), len(words))
    start = rng.randrange(0, len(words) - size + 1)
    chosen = words[start : start + size]
    if all(w.strip(TRIM).casefold() in STOPWORDS for w in chosen):
        return None
    query = " ".join(chosen).strip(TRIM)  # inner punctuation kept, as in the record
    if len(query) < 2 or not any(ch.isalpha() for ch in query):
        return None
    return query


def draw(titles: list[str], names: list[str], count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    queries: list[dict[str, str]] = []
    seen: set[str] = set()
    while len(queries) < count:
        kind = rng.choice(("title", "author"))
        text = pick(rng.choice(titles if kind == "title" else names), rng)
        if text is None or text.casefold() in seen:
            continue
        seen.add(text.casefold())
        queries.append({"kind": kind, "text": text})
    return queries


def load_or_make(path: Path = QUERIES_FILE, source: Path = LC_FILE) -> list[dict[str, str]]:
    """The queries file, drawn first if it does not exist yet."""
    if not path.exists():
        write(source, path, COUNT, SEED)
    return json.loads(path.read_text(encoding="utf-8"))


def write(source: Path, out: Path, count: int, seed: int) -> list[dict[str, str]]:
    titles, names = read_fields(source)
    queries = draw(titles, names, count, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(queries, ensure_ascii=False, indent=1), encoding="utf-8")
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=LC_FILE)
    parser.add_argument("--out", type=Path, default=QUERIES_FILE)
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    queries = write(args.file, args.out, args.count, args.seed)
    kinds = {k: sum(q["kind"] == k for q in queries) for k in ("title", "author")}
    print(json.dumps({"queries": len(queries), **kinds, "file": str(args.out)}))


if __name__ == "__main__":
    main()
