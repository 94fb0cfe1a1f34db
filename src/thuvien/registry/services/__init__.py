"""Registry services: every change to library data goes through these functions.

Each takes the acting user, checks permission, owns the transaction, writes the audit log
and the field history, and schedules the search index update after commit.
"""

from thuvien.registry.services.errors import LibraryDataError
from thuvien.registry.services.libraries import (
    add_alias,
    add_other_name,
    allocate_identifier,
    create_library,
    update_library,
)

__all__ = [
    "LibraryDataError",
    "add_alias",
    "add_other_name",
    "allocate_identifier",
    "create_library",
    "update_library",
]
