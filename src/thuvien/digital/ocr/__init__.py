"""OCR of page images: tesseract with the Vietnamese model, pre-processing of poor scans, hOCR
and ALTO with word boxes, searchable PDF, and the test material to measure it with.

Pure Python (no Django). Modules:

- ``engine``: ``OcrEngine`` (one model loaded once, many pages), ``OcrPool`` (one worker process
  per core), ``OcrPage``/``Line``/``Word``, ``OcrFailure``. Importing it sets
  ``OMP_THREAD_LIMIT=1`` (see its docstring).
- ``preprocess``: ``assess`` (skew, noise, contrast, resolution) and ``prepare``.
- ``layout``: ALTO 4 and hOCR output.
- ``pdf``: ``searchable_pdf``.
- ``testpages``: rendered pages of real Vietnamese text with ground truth, and scan damage.
- ``cer``: character and word error rates.
"""
