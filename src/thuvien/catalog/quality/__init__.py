"""Data quality of contributed records: per-record checks (pure, ``checks``) that the
catalogue's quality report (``thuvien.catalog.services.quality``) adds up per library."""
