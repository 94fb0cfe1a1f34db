"""Services of the digital collections: ingest, OCR, preservation, access, indexing."""
