"""How the catalogue stores a normalised record: compact JSON, no size limits.

ISO 2709 cannot hold a field over 9,999 bytes or a record over 99,999 (real records exceed
both), and MARC-in-JSON's one-key objects are slow to build; this form is a list:
``[leader, [[tag, value] | [tag, indicators, [[code, value], ...]], ...]]``.
"""

from __future__ import annotations

import json

from thuvien.catalog.marc.record import ControlField, DataField, Record


def dump(record: Record) -> bytes:
    fields = [
        [f.tag, f.value]
        if isinstance(f, ControlField)
        else [f.tag, f.indicators, [list(s) for s in f.subfields]]
        for f in record.fields
    ]
    return json.dumps([record.leader, fields], ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def load(data: bytes | memoryview | str) -> Record:
    leader, fields = json.loads(bytes(data) if isinstance(data, memoryview) else data)
    return Record(
        leader,
        [
            ControlField(f[0], f[1])
            if len(f) == 2
            else DataField(f[0], f[1], [(code, value) for code, value in f[2]])
            for f in fields
        ],
    )
