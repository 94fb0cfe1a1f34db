"""The catalogue's standard protocols: OAI-PMH 2.0 and SRU 1.2/2.0 with CQL.

Pure Python (no Django): argument checking, query parsing and XML building. The views in
``catalog/views/oai.py`` and ``catalog/views/sru.py`` feed them data from the database
and the search index.
"""
