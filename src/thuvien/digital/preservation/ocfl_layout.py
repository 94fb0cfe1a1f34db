"""OCFL storage layout extension 0004 (hashed n-tuple), which ocfl-py 2.1 lacks.

Specified at https://ocfl.github.io/extensions/0004-hashed-n-tuple-storage-layout.html and
used by Fedora 6 and ocfl-java with the same defaults as here: the object identifier is
hashed with SHA-256, the hex digest is cut into three 3-character directories, and the full
digest names the object root (``3c0/ff4/240/3c0ff4240c1e...``). Hashing makes any identifier
safe on disk, ``vn-thuvien:obj-000123`` included, and spreads objects evenly.

Importing this module registers the layout with ocfl-py's registry, so ocfl-py can open,
validate and extend a storage root that declares it.
"""

from __future__ import annotations

import hashlib

from ocfl.layout import Layout, LayoutException
from ocfl.layout_registry import add_layout

__all__ = ["LAYOUT_0004", "HashedNTupleLayout"]

LAYOUT_0004 = "0004-hashed-n-tuple-storage-layout"


class HashedNTupleLayout(Layout):
    """Extension 0004 with its parameters (digestAlgorithm, tupleSize, numberOfTuples,
    shortObjectRoot) read from and written to the root's extension ``config.json``."""

    def __init__(self) -> None:
        super().__init__()
        self.NAME = LAYOUT_0004
        self.DESCRIPTION = (
            "OCFL object identifiers are hashed and encoded as hex strings. These digests are "
            "then divided into N n-tuple segments, which are used to create nested paths under "
            "the OCFL storage root."
        )
        self.digest_algorithm = "sha256"
        self.tuple_size = 3
        self.number_of_tuples = 3
        self.short_object_root = False
        self.PARAMS = {
            "digestAlgorithm": self._set_digest_algorithm,
            "tupleSize": self._set_tuple_size,
            "numberOfTuples": self._set_number_of_tuples,
            "shortObjectRoot": self._set_short_object_root,
        }

    # A parameter left out of config.json keeps its default (the extension says so).
    def _set_digest_algorithm(self, value) -> None:
        if value is None:
            return
        if value not in hashlib.algorithms_available:
            raise LayoutException(f"digestAlgorithm {value!r} is not supported")
        self.digest_algorithm = value

    def _set_tuple_size(self, value) -> None:
        if value is None:
            return
        if not isinstance(value, int) or not 0 <= value <= 32:
            raise LayoutException("tupleSize must be an integer from 0 to 32")
        self.tuple_size = value

    def _set_number_of_tuples(self, value) -> None:
        if value is None:
            return
        if not isinstance(value, int) or not 0 <= value <= 32:
            raise LayoutException("numberOfTuples must be an integer from 0 to 32")
        self.number_of_tuples = value

    def _set_short_object_root(self, value) -> None:
        if value is None:
            return
        if not isinstance(value, bool):
            raise LayoutException("shortObjectRoot must be true or false")
        self.short_object_root = value

    def check_full_config(self) -> None:
        if (self.tuple_size == 0) != (self.number_of_tuples == 0):
            raise LayoutException("tupleSize and numberOfTuples must both be 0 or neither")
        width = len(hashlib.new(self.digest_algorithm, b"").hexdigest())
        used = self.tuple_size * self.number_of_tuples
        if used > width or (self.short_object_root and used >= width):
            raise LayoutException("tupleSize * numberOfTuples is too long for the digest")

    @property
    def config(self) -> dict:
        return {
            "extensionName": self.NAME,
            "digestAlgorithm": self.digest_algorithm,
            "tupleSize": self.tuple_size,
            "numberOfTuples": self.number_of_tuples,
            "shortObjectRoot": self.short_object_root,
        }

    def identifier_to_path(self, identifier: str) -> str:
        digest = hashlib.new(self.digest_algorithm, identifier.encode("utf-8")).hexdigest()
        size, count = self.tuple_size, self.number_of_tuples
        parts = [digest[i * size : (i + 1) * size] for i in range(count)]
        parts.append(digest[size * count :] if self.short_object_root else digest)
        return "/".join(parts)


add_layout(LAYOUT_0004, HashedNTupleLayout)
