"""Typed readers for settings that come from environment variables.

Every variable read here is documented in docs/settings.md (a test checks it).
"""

import os
from pathlib import Path

READ_VARIABLES: dict[str, str] = {}


def env_str(name: str, default: str) -> str:
    READ_VARIABLES[name] = default
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = env_str(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    return Path(env_str(name, str(default))).expanduser().resolve()
