"""IIIF for the digital collections, as pure functions (no Django).

- ``image``: Image API 3.0 at level 2 (parse, resolve, render, canonical form, info.json);
  ``pyramid`` reads the pyramidal TIFF level that a request needs.
- ``presentation``: Presentation API 3.0 manifests, collections and OCR text pages.
- ``search``: Content Search 2.0 (and 1.0, the version Mirador 4 reads) over OCR words.

The views at ``/iiif/3/...`` and ``/iiif/presentation/...`` are thin wrappers around these.
"""
