from thuvien.catalog.models.ingest import IngestBatch, QuarantinedRecord
from thuvien.catalog.models.records import BibRecord, Holding, Source

__all__ = ["BibRecord", "Holding", "IngestBatch", "QuarantinedRecord", "Source"]
