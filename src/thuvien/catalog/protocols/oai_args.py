"""OAI-PMH 2.0 requests: verbs, their arguments, dates and resumption tokens.

Resumption tokens are cursors, not offsets: a token holds the original arguments and the
(datestamp, id) of the last item sent, signed with HMAC-SHA256 so that a changed or made-up
token is refused (``badResumptionToken``) rather than read. The next page continues after
that pair in (datestamp, id) order, so a harvest neither skips nor repeats an unchanged
record while others change, and each page costs the same however deep the harvest is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = [
    "DAY",
    "SECOND",
    "OAIError",
    "Request",
    "Selection",
    "TokenState",
    "decode_token",
    "encode_token",
    "format_datestamp",
    "parse_request",
]

VERBS: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {
    # verb: (required, optional, accepts resumptionToken)
    "Identify": (frozenset(), frozenset(), False),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"}), False),
    "ListSets": (frozenset(), frozenset(), True),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset(), False),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"}), True),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"}), True),
}
SECOND = "YYYY-MM-DDThh:mm:ssZ"
DAY = "YYYY-MM-DD"
_TOKEN_VERSION = 1


class OAIError(Exception):
    """An OAI-PMH error condition: its code and a message in English and Vietnamese."""

    def __init__(self, code: str, en: str, vi: str):
        super().__init__(f"{code}: {en}")
        self.code, self.en, self.vi = code, en, vi

    @property
    def message(self) -> str:
        return f"{self.en} / {self.vi}"


@dataclass(frozen=True)
class Selection:
    """What a list request asks for: the format, set and date range (UTC; ``until`` is
    exclusive here, one granule after the date the harvester gave)."""

    metadata_prefix: str
    set_spec: str | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class TokenState:
    """What a resumption token carries."""

    verb: str
    selection: Selection
    after: tuple[datetime, int] | None  # the last (datestamp, id) sent
    after_key: str | None  # ListSets: the last setSpec sent
    cursor: int  # items sent before the next page
    total: int  # completeListSize, counted on the first page
    expires: datetime


@dataclass(frozen=True)
class Request:
    verb: str
    arguments: dict[str, str] = field(default_factory=dict)
    selection: Selection | None = None
    token: TokenState | None = None


def format_datestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_request(
    pairs: list[tuple[str, str]], *, secret: bytes, now: datetime
) -> tuple[Request | None, list[OAIError]]:
    """The request, or the errors that make it illegal (every one found)."""
    verbs = [value for key, value in pairs if key == "verb"]
    if len(verbs) != 1 or verbs[0] not in VERBS:
        return None, [_bad_verb(verbs)]
    verb = verbs[0]
    required, optional, resumable = VERBS[verb]
    errors: list[OAIError] = []
    arguments: dict[str, str] = {}
    for key, value in pairs:
        if key == "verb":
            continue
        if key not in required | optional and not (resumable and key == "resumptionToken"):
            errors.append(_bad("Illegal argument", "Tham số không hợp lệ", key, verb))
        elif key in arguments:
            errors.append(_bad("Repeated argument", "Tham số bị lặp", key, verb))
        else:
            arguments[key] = value
    if errors:
        return None, errors
    if "resumptionToken" in arguments:
        return _resumed(verb, arguments, secret, now)
    missing = sorted(required - arguments.keys())
    if missing:
        names = ", ".join(missing)
        return None, [_bad("Missing required argument", "Thiếu tham số bắt buộc", names, verb)]
    try:
        selection = _selection(arguments) if verb in ("ListIdentifiers", "ListRecords") else None
    except OAIError as error:
        return None, [error]
    return Request(verb, arguments, selection), []


def _bad_verb(verbs: list[str]) -> OAIError:
    if not verbs:
        return OAIError("badVerb", "The verb argument is missing", "Thiếu tham số verb")
    if len(verbs) > 1:
        return OAIError("badVerb", "The verb argument is repeated", "Tham số verb bị lặp")
    return OAIError(
        "badVerb",
        f"Illegal OAI verb {verbs[0][:60]!r}",
        f"Động từ OAI không hợp lệ {verbs[0][:60]!r}",
    )


def _bad(en: str, vi: str, key: str, verb: str) -> OAIError:
    return OAIError("badArgument", f"{en} for {verb}: {key[:60]}", f"{vi} cho {verb}: {key[:60]}")


def _resumed(
    verb: str, arguments: dict[str, str], secret: bytes, now: datetime
) -> tuple[Request | None, list[OAIError]]:
    if len(arguments) > 1:
        return None, [
            OAIError(
                "badArgument",
                "resumptionToken is an exclusive argument",
                "resumptionToken phải đứng một mình (cùng verb)",
            )
        ]
    state = decode_token(arguments["resumptionToken"], secret=secret, now=now)
    if isinstance(state, OAIError):
        return None, [state]
    if state.verb != verb:
        return None, [
            OAIError(
                "badResumptionToken",
                f"This resumptionToken belongs to {state.verb}, not {verb}",
                f"resumptionToken này thuộc {state.verb}, không phải {verb}",
            )
        ]
    return Request(verb, arguments, state.selection, state), []


def _selection(arguments: dict[str, str]) -> Selection:
    start = end = None
    granularity = None
    if "from" in arguments:
        start, granularity = parse_datestamp(arguments["from"], "from")
    if "until" in arguments:
        until, until_granularity = parse_datestamp(arguments["until"], "until")
        if granularity and until_granularity != granularity:
            raise OAIError(
                "badArgument",
                "from and until must have the same granularity",
                "from và until phải cùng độ chi tiết thời gian",
            )
        end = until + (timedelta(days=1) if until_granularity == DAY else timedelta(seconds=1))
    if start and end and start >= end:
        raise OAIError("badArgument", "from is later than until", "Thời điểm from muộn hơn until")
    return Selection(arguments["metadataPrefix"], arguments.get("set"), start, end)


def parse_datestamp(value: str, name: str) -> tuple[datetime, str]:
    """A UTC datestamp in either granularity the repository supports."""
    for pattern, granularity in (("%Y-%m-%dT%H:%M:%SZ", SECOND), ("%Y-%m-%d", DAY)):
        if len(value) != len(granularity):
            continue
        try:
            moment = datetime.strptime(value, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
        return moment, granularity
    raise OAIError(
        "badArgument",
        f"{name} is not a date in {DAY} or {SECOND} (UTC): {value[:40]!r}",
        f"{name} không phải ngày dạng {DAY} hoặc {SECOND} (UTC): {value[:40]!r}",
    )


# --- resumption tokens --------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, body: str) -> str:
    digest = hmac.new(secret, b"oai-token:" + body.encode("ascii"), hashlib.sha256).digest()
    return _b64(digest[:18])


def encode_token(state: TokenState, *, secret: bytes) -> str:
    selection = state.selection
    payload = {
        "v": _TOKEN_VERSION,
        "verb": state.verb,
        "p": selection.metadata_prefix,
        "s": selection.set_spec,
        "f": _iso(selection.start),
        "u": _iso(selection.end),
        "a": [_iso(state.after[0]), state.after[1]] if state.after else None,
        "k": state.after_key,
        "c": state.cursor,
        "n": state.total,
        "e": int(state.expires.timestamp()),
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_signature(secret, body)}"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _bad_token(en: str, vi: str) -> OAIError:
    return OAIError("badResumptionToken", en, vi)


def decode_token(token: str, *, secret: bytes, now: datetime) -> TokenState | OAIError:
    body, dot, signature = token.partition(".")
    if (
        not dot
        or len(token) > 2000
        or not token.isascii()
        or not hmac.compare_digest(signature, _signature(secret, body))
    ):
        return _bad_token(
            "The resumptionToken is not one this repository issued",
            "resumptionToken không do kho này cấp hoặc đã bị sửa",
        )
    try:
        payload = json.loads(_unb64(body))
        after = payload["a"]
        state = TokenState(
            verb=payload["verb"],
            selection=Selection(
                payload["p"], payload["s"], _from_iso(payload["f"]), _from_iso(payload["u"])
            ),
            after=(datetime.fromisoformat(after[0]), int(after[1])) if after else None,
            after_key=payload["k"],
            cursor=int(payload["c"]),
            total=int(payload["n"]),
            expires=datetime.fromtimestamp(int(payload["e"]), UTC),
        )
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error):
        return _bad_token("The resumptionToken cannot be read", "Không đọc được resumptionToken")
    if payload.get("v") != _TOKEN_VERSION:
        return _bad_token(
            "The resumptionToken is from an older version", "resumptionToken thuộc phiên bản cũ"
        )
    if state.expires < now:
        return _bad_token(
            "The resumptionToken has expired: start the harvest again",
            "resumptionToken đã hết hạn: hãy thu hoạch lại từ đầu",
        )
    return state
