"""Digital collections and digital preservation: ingest, derivatives, OCR, IIIF, OCFL.

Pure packages (no Django import): ``iiif`` (Image and Presentation APIs, Content Search),
``preservation`` (OCFL, fixity, PREMIS, METS, BagIt, formats), ``ocr`` (tesseract, pre-processing,
test pages, error rates), ``ingest`` (batch sources, manifests, images, derivatives).
"""
