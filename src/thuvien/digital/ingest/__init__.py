"""Ingest of digitised batches, pure Python (no Django): what a batch holds and its pages.

1. ``open_source(path, work_dir)`` opens a folder, ZIP or BagIt bag safely and lists its
   files and the problems found, per file (``sources``, ``zipsafe``, ``bags``).
2. ``plan(source)`` reads its manifest (``read_manifest``) or, without one, its folder
   layout (``manifest_from_layout``) into objects and ordered pages, with problems per row;
   objects holding a file with an error are rejected (``manifest``, ``layout``).
3. For each page, ``probe``/``load`` check and open the image (``images``) and
   ``make_derivatives`` writes the pyramidal TIFF, access JPEG and thumbnail
   (``derivatives``).

Errors for users are bilingual, Vietnamese first, and say where (file, row, page).
"""

from thuvien.digital.ingest.derivatives import Derivatives, make_derivatives
from thuvien.digital.ingest.errors import IngestError, ItemProblem, RowProblem, ingest_error
from thuvien.digital.ingest.images import SUPPORTED, ImageInfo, load, probe, sniff
from thuvien.digital.ingest.limits import Limits
from thuvien.digital.ingest.manifest import (
    Manifest,
    ObjectSpec,
    PageSpec,
    manifest_from_layout,
    plan,
    read_manifest,
)
from thuvien.digital.ingest.sources import BatchSource, SourceFile, open_source

__all__ = [
    "SUPPORTED",
    "BatchSource",
    "Derivatives",
    "ImageInfo",
    "IngestError",
    "ItemProblem",
    "Limits",
    "Manifest",
    "ObjectSpec",
    "PageSpec",
    "RowProblem",
    "SourceFile",
    "ingest_error",
    "load",
    "make_derivatives",
    "manifest_from_layout",
    "open_source",
    "plan",
    "probe",
    "read_manifest",
    "sniff",
]
