"""Documentation that cannot drift: settings and management commands are documented."""

import re
from pathlib import Path

from django.core.management import get_commands

from thuvien.config.env import READ_VARIABLES

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_read_from_the_environment_is_documented():
    documented = set(
        re.findall(r"^\| `([A-Z_]+)`", (ROOT / "docs/settings.md").read_text(), re.MULTILINE)
    )
    assert READ_VARIABLES, "settings read no variables?"
    assert set(READ_VARIABLES) - documented == set()


def test_every_documented_setting_exists():
    documented = set(
        re.findall(r"^\| `([A-Z_]+)`", (ROOT / "docs/settings.md").read_text(), re.MULTILINE)
    )
    assert documented - set(READ_VARIABLES) == set()


def test_every_thuvien_command_is_documented():
    ours = {name for name, app in get_commands().items() if app.startswith("thuvien.")}
    text = (ROOT / "docs/operations.md").read_text()
    missing = {name for name in ours if f"thuvien {name}" not in text}
    assert ours and missing == set()


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
