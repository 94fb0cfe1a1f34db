"""Errors of the preservation package, bilingual (Vietnamese first) and saying where."""

from __future__ import annotations

__all__ = ["PreservationError"]


class PreservationError(Exception):
    """A refusal a person can read: ``vi`` and ``en`` say what, ``where`` says which file."""

    def __init__(self, vi: str, en: str, where: str | None = None):
        self.vi = vi
        self.en = en
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.vi} / {self.en}"
        return f"{text} ({self.where})" if self.where else text
