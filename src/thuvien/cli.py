"""The `thuvien` console script: one way in, dispatching to Django management commands."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thuvien.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["thuvien", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
