"""Names inside a batch: natural order, hidden system files, and safe relative paths."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["UnsafeName", "is_hidden", "natural_key", "safe_relpath"]

_DIGITS = re.compile(r"(\d+)")
# Files operating systems and archivers leave behind; never pages.
_SYSTEM_NAMES = frozenset(
    {"thumbs.db", "ehthumbs.db", "desktop.ini", "__macosx", "$recycle.bin", "icon\r"}
)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def natural_key(relpath: str) -> tuple:
    """Sort key putting ``page2`` before ``page10``, folder by folder, case-insensitively."""
    parts = []
    for component in relpath.split("/"):
        pieces = _DIGITS.split(unicodedata.normalize("NFC", component).casefold())
        # re.split alternates text and digits, so the tuples always compare str with str.
        parts.append(tuple(int(p) if i % 2 else p for i, p in enumerate(pieces)))
    return (tuple(parts), relpath)


def is_hidden(relpath: str) -> bool:
    """True for dot files (.DS_Store, ._x AppleDouble), Thumbs.db, __MACOSX/, Office locks."""
    for component in relpath.split("/"):
        lowered = component.casefold()
        if component.startswith((".", "~$")) or lowered in _SYSTEM_NAMES:
            return True
    return False


class UnsafeName(ValueError):
    """A member name that would write outside the batch; ``code`` says why."""

    def __init__(self, code: str, vi: str, en: str):
        self.code, self.vi, self.en = code, vi, en
        super().__init__(f"{vi} / {en}")


def safe_relpath(name: str) -> str:
    """``name`` as a clean relative POSIX path in NFC, or ``UnsafeName``.

    Backslashes count as separators (old Windows archivers write them), so ``..\\x`` is
    caught as well as ``../x``; absolute paths and drive letters are refused, not stripped.
    """
    text = name.replace("\\", "/")
    if _CONTROL.search(text):
        raise UnsafeName("control-char", "Tên có ký tự điều khiển", "Name has control characters")
    if text.startswith("/"):
        raise UnsafeName("absolute-path", "Đường dẫn tuyệt đối", "Absolute path")
    if _DRIVE.match(text):
        raise UnsafeName("drive-letter", "Đường dẫn có ký hiệu ổ đĩa", "Path with a drive letter")
    components = [c for c in text.split("/") if c not in ("", ".")]
    if ".." in components:
        raise UnsafeName(
            "path-traversal", "Đường dẫn trỏ ra ngoài lô (..)", "Path escapes the batch (..)"
        )
    if not components:
        raise UnsafeName("empty-name", "Tên rỗng", "Empty name")
    return unicodedata.normalize("NFC", "/".join(components))
