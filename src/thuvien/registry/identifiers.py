"""Library identifiers: ``VN-`` + a 7-digit serial + an ISO 7064 MOD 11-2 check character.

The serial is handed out by the registry in order and embeds nothing about place or type:
the 2025 merger of provinces renamed and renumbered units, and an identifier that encoded
them would have had to change. The check character catches typing errors (one wrong digit,
two swapped digits) when an identifier is copied by hand. Pure Python, no Django.
"""

import re

PREFIX = "VN-"
SERIAL_DIGITS = 7
_PATTERN = re.compile(r"^VN-(\d{7})([0-9X])$")


def check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 over a string of decimal digits (as used by ORCID and ISNI)."""
    total = 0
    for char in digits:
        total = (total + int(char)) * 2
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def format_identifier(serial: int) -> str:
    if not 0 < serial < 10**SERIAL_DIGITS:
        raise ValueError(f"serial {serial} out of range")
    digits = f"{serial:0{SERIAL_DIGITS}d}"
    return f"{PREFIX}{digits}{check_character(digits)}"


def normalize_identifier(text: str) -> str:
    """Accept what people type: lower case, spaces, no hyphen ('vn 0000001 8')."""
    compact = re.sub(r"[\s\-]", "", text.strip().upper())
    if compact.startswith("VN"):
        compact = compact[2:]
    return f"{PREFIX}{compact}"


def is_valid_identifier(text: str) -> bool:
    match = _PATTERN.match(text)
    return bool(match) and check_character(match.group(1)) == match.group(2)


def serial_of(identifier: str) -> int:
    match = _PATTERN.match(identifier)
    if not match:
        raise ValueError(f"not a library identifier: {identifier!r}")
    return int(match.group(1))
