"""Format identification with opf-fido and the PRONOM signatures it ships (v109).

fido's command line spends most of its time loading and compiling the signatures, so the
signatures are loaded once per process into one ``Fido`` instance and files are matched in
process (a few milliseconds each). ``Fido`` keeps per-file state in the instance, so calls
are serialised with a lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from thuvien.digital.preservation.errors import PreservationError

__all__ = ["FormatId", "identify", "signature_versions"]

_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class FormatId:
    """What a file is: PRONOM ``puid`` (None if unknown), format ``name``, ``mime``, and
    ``method``: "signature" or "container" (from the bytes), "extension" (from the name
    only: weak), "none" (unidentified) or "empty" (a zero-byte file)."""

    puid: str | None
    name: str
    mime: str | None
    method: str
    version: str | None = None
    alternatives: tuple[str, ...] = ()  # other PUIDs that matched as well


class _Sink:
    """Receives fido's matches instead of its printing them."""

    def __init__(self) -> None:
        self.matches: list = []
        self.method = "none"

    def __call__(self, fullname, matches, delta_t, matchtype="") -> None:
        self.matches = list(matches)
        self.method = matchtype or "signature"


@cache
def _engine():
    from fido.fido import Fido
    from fido.versions import get_local_versions

    versions = get_local_versions()
    sink = _Sink()
    files = [versions.pronom_signature, versions.fido_extension_signature]
    return Fido(quiet=True, handle_matches=sink, format_files=files), sink


def signature_versions() -> str:
    """Which signature files are in use (for PREMIS agent notes and reports)."""
    from fido import __version__
    from fido.versions import get_local_versions

    versions = get_local_versions()
    return f"fido {__version__}, {versions.pronom_signature}, {versions.pronom_container_signature}"


def identify(path: str | Path) -> FormatId:
    """Identify one file."""
    path = Path(path)
    try:
        with open(path, "rb"):
            size = path.stat().st_size
    except OSError as exc:
        raise PreservationError(
            "Không đọc được tệp để nhận dạng định dạng",
            "Cannot read the file to identify its format",
            f"{path}: {exc.strerror or exc}",
        ) from None
    if size == 0:
        return FormatId(None, "empty file", None, "empty")
    with _LOCK:
        fido, sink = _engine()
        sink.matches, sink.method = [], "none"
        fido.identify_file(str(path))
        matches, method = sink.matches, sink.method
    if not matches:
        return FormatId(None, "unknown", None, "none")
    return _describe(matches, method)


def _describe(matches: list, method: str) -> FormatId:
    element, _signature = matches[0]

    def text(tag: str) -> str | None:
        found = element.find(tag)
        return found.text.strip() if found is not None and found.text else None

    others = tuple(
        puid for puid in dict.fromkeys(m[0].findtext("puid") for m in matches[1:]) if puid
    )
    return FormatId(
        puid=text("puid"),
        name=text("name") or "unknown",
        mime=text("mime"),
        method=method,
        version=text("version"),
        alternatives=tuple(p for p in others if p != text("puid")),
    )
