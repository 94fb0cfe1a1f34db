"""The line-based "mnemonic" MARC text cataloguers edit by hand (MarcEdit's .mrk form).

    =LDR  00714cam a2200205 a 4500
    =001  12883376
    =245  10$aThư viện Việt Nam :$bmột thế kỷ /$cNguyễn Văn A.

Indicators use "\\" for a blank; "$" inside a value is written "{dollar}".
"""

from __future__ import annotations

import re

from thuvien.catalog.marc.record import ControlField, DataField, Record

_LINE = re.compile(r"^=(LDR|\d{3})  (.*)$")


class MnemonicError(ValueError):
    """Text that is not mnemonic MARC; the message names the line."""


def to_mnemonic(record: Record) -> str:
    lines = [f"=LDR  {record.leader}"]
    for f in record.fields:
        if isinstance(f, ControlField):
            lines.append(f"={f.tag}  {f.value}")
        else:
            indicators = (f.indicators + "  ")[:2].replace(" ", "\\")
            body = "".join(
                f"${code}{value.replace('$', '{dollar}')}" for code, value in f.subfields
            )
            lines.append(f"={f.tag}  {indicators}{body}")
    return "\n".join(lines) + "\n"


def _error(number: int, vi: str, en: str) -> MnemonicError:
    return MnemonicError(f"Dòng {number}: {vi} / line {number}: {en}")


def from_mnemonic(text: str) -> Record:
    leader, fields = None, []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line.rstrip("\r"))
        if not match:
            raise _error(
                number, "không đúng dạng «=TAG  nội dung»", "not of the form '=TAG  content'"
            )
        tag, body = match.groups()
        if tag == "LDR":
            leader = body.ljust(24)[:24]
        elif tag < "010":
            fields.append(ControlField(tag, body))
        else:
            fields.append(_data_field(number, tag, body))
    if leader is None:
        raise _error(1, "thiếu đầu biểu (=LDR)", "the leader (=LDR) is missing")
    return Record(leader, fields)


def _data_field(number: int, tag: str, body: str) -> DataField:
    if len(body) < 3 or body[2] != "$":
        raise _error(
            number,
            f"trường {tag} cần 2 chỉ thị rồi $mã trường con",
            f"field {tag} needs two indicators then $code",
        )
    indicators = body[:2].replace("\\", " ")
    subfields = []
    for piece in body[3:].split("$"):
        if not piece:
            raise _error(number, f"trường con rỗng trong {tag}", f"empty subfield in {tag}")
        subfields.append((piece[0], piece[1:].replace("{dollar}", "$")))
    return DataField(tag, indicators, subfields)
