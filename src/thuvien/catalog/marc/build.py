"""From decoded text to the normalised Record every reader returns: fields split into
subfields, values in NFC, TCVN3 mojibake repaired, leader/09 set to 'a'."""

from __future__ import annotations

import re
from itertools import accumulate, repeat

from thuvien.catalog.marc.encodings import (
    NFC,
    could_be_vietnamese,
    is_nfc,
    may_be_mojibake,
    nfc,
    repair_mojibake,
)
from thuvien.catalog.marc.record import ControlField, DataField, Record

__all__ = [
    "LEADER_REPAIRED",
    "fields_from_texts",
    "finish_record",
    "is_control_tag",
    "normalise_texts",
]

Field = ControlField | DataField
LEADER_REPAIRED = "leader-repaired"
_BLANK_LEADER = "00000nam a2200000   4500"  # fills a leader that is too short
# Control fields are 000-009: tags below "010" made of digits (as pymarc and ruby-marc).
CONTROL_TAGS = frozenset(f"{number:03d}" for number in range(10))
# A subfield code followed by a combining mark, which NFC would compose with the code.
_CODE_THEN_MARK = re.compile(
    "\x1f.[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# A subfield: its one-character code and its value; "\x1f\x1f" (empty) is skipped.
_SUBFIELD = re.compile("\x1f([^\x1f])([^\x1f]*)", re.DOTALL)
_RECORD_SUBFIELDS = re.compile("\x1f([^\x1f\x1e])([^\x1f\x1e]*)", re.DOTALL)


def is_control_tag(tag: str) -> bool:
    return tag in CONTROL_TAGS


def normalise_texts(texts: list[str], conversions: list[str]) -> tuple[list[str], str]:
    """NFC for a record's field texts (delimiters included), and the record's text.

    Composition never crosses the 0x1E/0x1F delimiters, except onto a subfield code
    followed by a combining mark ("\x1fa" + U+0301 would become "\x1fá"): such rare
    records are left for :func:`finish_record` to normalise value by value.
    """
    text = "\x1e".join(texts)
    if is_nfc(text) or _CODE_THEN_MARK.search(text):
        return texts, text
    # Field by field: NFC costs by the character, and most fields are already NFC.
    texts = [field if is_nfc(field) else nfc(field) for field in texts]
    conversions.append(NFC)
    return texts, "\x1e".join(texts)


def fields_from_texts(
    tags: list[str],
    texts: list[str],
    text: str | None = None,
    conversions: list[str] | None = None,
) -> list[Field]:
    """Fields from their text (``text``: all of them joined by 0x1E, if at hand):
    indicators then subfields, split on 0x1F.

    As pymarc does: missing indicators become blanks, extra ones are dropped, and empty
    subfields (two delimiters in a row) are skipped. Text between the indicators and the
    first subfield cannot be kept in a field; the record is noted in ``conversions``
    ("text-outside-subfields:TAG") so that a cataloguer looks at its raw bytes.
    """
    if text is None:
        text = "\x1e".join(texts)
    if "\x1f\x1f" in text or "\x1f\x1e" in text or text.endswith("\x1f"):
        subfields = [_SUBFIELD.findall(field_text) for field_text in texts]
    else:  # one C call for the whole record, then a slice per field
        every = _RECORD_SUBFIELDS.findall(text)
        ends = list(accumulate(map(str.count, texts, repeat("\x1f"))))
        subfields = list(map(every.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    odd: list[str] = []

    def indicators(tag: str, field_text: str) -> str:
        # Missing or extra indicators, as pymarc: blanks added, extras dropped.
        first = field_text.find("\x1f")
        head = field_text if first < 0 else field_text[:first]
        if len(head) > 2:
            odd.append(tag)
        return (head + "  ")[:2]

    fields: list[Field] = [
        ControlField(tag, field_text)
        if tag in CONTROL_TAGS
        else DataField(
            tag,
            field_text[:2] if field_text[2:3] == "\x1f" else indicators(tag, field_text),
            field_subfields,
        )
        for tag, field_text, field_subfields in zip(tags, texts, subfields, strict=True)
    ]
    if conversions is not None:
        conversions.extend(f"text-outside-subfields:{tag}" for tag in odd)
    return fields


def finish_record(
    leader: str,
    fields: list[Field],
    conversions: list[str],
    text: str | None = None,
    language: str | None = None,
) -> Record:
    """Normalise decoded fields into a Record; ``text`` is all the record's text as
    decoded (for cheap whole-record tests) and ``language`` its 008/35-37, or None to
    look at the fields."""
    if text is None:
        text = "\x1e".join(_values(fields))
    if not is_nfc(text) and _normalise(fields) and NFC not in conversions:
        conversions.append(NFC)
    if language is None:
        language = _language(fields)
    if not text.isascii() and could_be_vietnamese(language) and may_be_mojibake(text):
        _repair(fields, conversions)
    return Record(_leader(leader, conversions), fields)


def _values(fields: list[Field]) -> list[str]:
    values: list[str] = []
    for field in fields:
        if isinstance(field, ControlField):
            values.append(field.value)
        else:
            values.extend(value for _, value in field.subfields)
    return values


def _normalise(fields: list[Field]) -> bool:
    changed = False
    for field in fields:
        if isinstance(field, ControlField):
            if not is_nfc(field.value):
                field.value = nfc(field.value)
                changed = True
        elif not all(is_nfc(value) for _, value in field.subfields):
            field.subfields = [(code, nfc(value)) for code, value in field.subfields]
            changed = True
    return changed


def _language(fields: list[Field]) -> str:
    for field in fields:
        if isinstance(field, ControlField) and field.tag == "008":
            return field.value[35:38]
    return ""


def _repair(fields: list[Field], conversions: list[str]) -> None:
    pairs: list[tuple[str, str]] = []
    places: list[tuple[DataField, int]] = []
    for field in fields:
        if isinstance(field, DataField):
            for index, (_, value) in enumerate(field.subfields):
                if not value.isascii():
                    pairs.append((field.tag, value))
                    places.append((field, index))
    repaired, notes = repair_mojibake(pairs)
    for index, value in repaired.items():
        field, position = places[index]
        code = field.subfields[position][0]
        field.subfields[position] = (code, value)
    conversions.extend(dict.fromkeys(notes))


def _leader(leader: str, conversions: list[str]) -> str:
    """The leader with leader/09 'a'; unprintable bytes and a wrong length are repaired."""
    cleaned = leader
    if len(leader) != 24 or not (leader.isascii() and leader.isprintable()):
        cleaned = "".join(c if " " <= c <= "~" else " " for c in leader)[:24]
        cleaned += _BLANK_LEADER[len(cleaned) :]
        if LEADER_REPAIRED not in conversions:
            conversions.append(LEADER_REPAIRED)
    return cleaned[:9] + "a" + cleaned[10:]
