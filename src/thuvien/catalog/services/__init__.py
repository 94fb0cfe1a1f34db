"""Catalogue services: ingest, indexing, exports. Each checks permission, owns its
transaction and writes the audit log; the search index follows the database."""
