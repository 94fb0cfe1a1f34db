"""Errors of a harvest, said in Vietnamese and English like every error users see."""

from __future__ import annotations

__all__ = ["HarvestError", "LoopError", "Transient"]


class HarvestError(Exception):
    """A harvest cannot go on; ``str()`` is "vi / en". ``code`` names the kind of problem
    for programs (an OAI-PMH error code, an SRU diagnostic, "too-large", "loop"...)."""

    def __init__(self, vi: str, en: str, *, code: str = ""):
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en
        self.code = code


class LoopError(HarvestError):
    """The provider keeps answering without the list coming to an end."""

    def __init__(self, vi: str, en: str):
        super().__init__(
            f"Máy chủ trả lời lặp vô tận, dừng thu thập: {vi}",
            f"The provider answers in an endless loop, harvest stopped: {en}",
            code="loop",
        )


class Transient(Exception):
    """A failure that may pass (a dropped connection, 503, a truncated answer): the request
    is tried again after a wait (``retry_after`` seconds when the server said so)."""

    def __init__(self, vi: str, en: str, retry_after: float | None = None):
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en
        self.retry_after = retry_after
