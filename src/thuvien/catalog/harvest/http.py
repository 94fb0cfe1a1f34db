"""HTTP GET for harvests, on the standard library: timeouts, a cap on the response size
(streamed, also after gzip), retries with backoff and Retry-After, and answers parsed by the
project's hardened XML parser (no entities, no DTD, no network).

Only http and https: a provider's redirect cannot send us to a file or an FTP server.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from email.utils import parsedate_to_datetime

from lxml import etree

from thuvien.catalog.harvest.errors import HarvestError, Transient
from thuvien.catalog.harvest.retry import Limits, RetryNotice, with_retries
from thuvien.kernel.xml import XMLParseError, XMLSecurityError, parse_bytes

__all__ = ["Fetcher", "check_http_url"]

USER_AGENT = "thuvien-harvester/1.0 (+https://thuvien.gov.vn)"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
BLOCK = 64 * 1024


def check_http_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL, else a clear error."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HarvestError(
            f"Địa chỉ {url!r} không phải URL http(s) đầy đủ",
            f"{url!r} is not a complete http(s) URL",
            code="bad-endpoint",
        )
    return url.strip()


def _opener() -> urllib.request.OpenerDirector:
    """HTTP and HTTPS with redirects between them, and nothing else (no file:, no ftp:)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.HTTPDefaultErrorHandler(),
    ):
        opener.add_handler(handler)
    return opener


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _too_large(size: int, limit: int, url: str) -> HarvestError:
    return HarvestError(
        f"Phản hồi từ {url} vượt giới hạn {limit:,} byte (đã nhận {size:,} byte), dừng đọc",
        f"The response from {url} exceeds the {limit:,} byte limit ({size:,} bytes "
        "received), reading stopped",
        code="too-large",
    )


class Fetcher:
    """GET requests with the limits of one provider. ``on_retry`` hears about each retry
    (for the report and the progress line); ``sleep`` waits between attempts."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ):
        self.limits = limits or Limits()
        self.sleep = sleep
        self.on_retry = on_retry
        self._opener = _opener()

    def get(self, url: str, params: dict[str, str]) -> bytes:
        """The body of a successful response, tried again on failures that may pass."""
        full = _with_query(check_http_url(url), params)
        return self._retrying(lambda: self._once(full), full)

    def get_xml(self, url: str, params: dict[str, str]) -> etree._Element:
        """The parsed body. Malformed XML is tried again (an answer cut short parses badly);
        XML refused for safety (entities, XXE) is not."""
        full = _with_query(check_http_url(url), params)
        return self._retrying(lambda: self._parse(self._once(full), full), full)

    def _retrying(self, action, url: str):
        return with_retries(
            action,
            self.limits,
            what=(f"Yêu cầu {url}", f"Request {url}"),
            sleep=self.sleep,
            on_retry=self.on_retry,
        )

    def _parse(self, body: bytes, url: str) -> etree._Element:
        try:
            return parse_bytes(body, max_bytes=self.limits.max_bytes)
        except XMLSecurityError as error:
            raise HarvestError(
                f"Phản hồi từ {url} bị từ chối vì lý do an toàn: {error}",
                f"The response from {url} is refused for safety: {error}",
                code="xml-refused",
            ) from None
        except XMLParseError as error:
            raise Transient(
                f"phản hồi không phải XML hợp lệ ({error}), bắt đầu bằng {body[:80]!r}",
                f"the response is not well-formed XML ({error}), it starts with {body[:80]!r}",
            ) from None

    def _once(self, url: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
        )
        try:
            with self._opener.open(request, timeout=self.limits.timeout) as response:
                return self._read(response, url)
        except urllib.error.HTTPError as error:
            raise _http_error(error, url) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, str) and "unknown url type" in error.reason:
                raise HarvestError(
                    f"Máy chủ chuyển hướng tới giao thức không hỗ trợ: {error.reason}",
                    f"The server redirects to an unsupported scheme: {error.reason}",
                    code="bad-endpoint",
                ) from None
            raise _connection_error(error.reason, url) from None
        except (OSError, http.client.HTTPException) as error:
            raise _connection_error(error, url) from None

    def _read(self, response, url: str) -> bytes:
        limit = self.limits.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit and not _gzipped(response):
            raise _too_large(int(declared), limit, url)
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if _gzipped(response) else None
        deadline = time.monotonic() + self.limits.deadline
        body = bytearray()
        while block := response.read(BLOCK):
            if inflater is not None:
                block = inflater.decompress(block, limit + 1 - len(body))
            body += block
            if len(body) > limit or (inflater is not None and inflater.unconsumed_tail):
                raise _too_large(len(body), limit, url)
            if time.monotonic() > deadline:
                raise Transient(
                    f"phản hồi chưa xong sau {self.limits.deadline:.0f} giây",
                    f"the response was not complete after {self.limits.deadline:.0f} s",
                )
        return bytes(body)


def _gzipped(response) -> bool:
    return response.headers.get("Content-Encoding", "").strip().lower() in ("gzip", "x-gzip")


def _with_query(url: str, params: dict[str, str]) -> str:
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"


def _http_error(error: urllib.error.HTTPError, url: str) -> Exception:
    status = error.code
    headers = error.headers
    retry_after = retry_after_seconds(headers.get("Retry-After")) if headers else None
    error.close()  # the error holds the open response
    if 300 <= status < 400:  # urllib refuses a redirect to anything but http(s)
        return HarvestError(
            f"Máy chủ chuyển hướng tới địa chỉ không được phép: {error.reason}",
            f"The server redirects to a forbidden address: {error.reason}",
            code="bad-redirect",
        )
    if status in RETRY_STATUSES:
        return Transient(
            f"máy chủ trả lời HTTP {status}", f"the server answered HTTP {status}", retry_after
        )
    return HarvestError(
        f"Máy chủ trả lời HTTP {status} ({error.reason}) cho {url}",
        f"The server answered HTTP {status} ({error.reason}) to {url}",
        code=f"http-{status}",
    )


def _connection_error(reason, url: str) -> Transient:
    return Transient(
        f"kết nối tới {url} hỏng: {reason!r}", f"the connection to {url} failed: {reason!r}"
    )
