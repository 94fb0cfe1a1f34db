"""Reading library lists from CSV, XLSX and JSON files (pure Python, no Django).

The service layer (registry.services.imports) adds the database: administrative units,
matching against existing libraries, and writing.
"""
