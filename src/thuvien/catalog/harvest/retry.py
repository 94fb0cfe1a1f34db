"""Trying a request again after a failure that may pass: exponential backoff, or the wait the
server asked for (Retry-After), both capped, and a clear error once the attempts run out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from thuvien.catalog.harvest.errors import HarvestError, Transient

__all__ = ["Limits", "RetryNotice", "with_retries"]

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one provider may cost us: time, bytes, attempts."""

    timeout: float = 60.0  # seconds for one network operation (connect, one read)
    deadline: float = 600.0  # seconds for one whole response
    max_bytes: int = 32 * 2**20  # one response (after decompression)
    retries: int = 5  # attempts after the first
    backoff: float = 2.0  # first wait, doubled at each attempt
    max_wait: float = 600.0  # longest wait between attempts, Retry-After included
    max_pages: int = 100_000  # pages in one run: a bound on lists that never end


@dataclass(frozen=True)
class RetryNotice:
    """Told to the caller before each wait: why, how long, which attempt comes next."""

    reason: str
    wait: float
    attempt: int


def wait_before(attempt: int, limits: Limits, retry_after: float | None) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 0)."""
    wanted = retry_after if retry_after is not None else limits.backoff * 2**attempt
    return max(0.0, min(wanted, limits.max_wait))


def with_retries(
    action: Callable[[], T],
    limits: Limits,
    *,
    what: tuple[str, str],
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> T:
    """Run ``action``; on Transient, wait and run it again, at most ``limits.retries`` more
    times. ``what`` names the request in the final error (vi, en)."""
    for attempt in range(limits.retries + 1):
        try:
            return action()
        except Transient as problem:
            if attempt == limits.retries:
                raise HarvestError(
                    f"{what[0]}: thất bại sau {attempt + 1} lần thử, lần cuối: {problem.vi}",
                    f"{what[1]}: failed after {attempt + 1} attempts, the last: {problem.en}",
                    code="retries-exhausted",
                ) from problem
            wait = wait_before(attempt, limits, problem.retry_after)
            if on_retry is not None:
                on_retry(RetryNotice(str(problem), wait, attempt + 2))
            sleep(wait)
    raise AssertionError("unreachable")
