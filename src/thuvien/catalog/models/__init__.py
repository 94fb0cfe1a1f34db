from thuvien.catalog.models.harvest import HarvestRun, HarvestSource
from thuvien.catalog.models.ingest import IngestBatch, QuarantinedRecord
from thuvien.catalog.models.quality import CatalogQualityReport
from thuvien.catalog.models.records import BibRecord, Holding, Source

__all__ = [
    "BibRecord",
    "CatalogQualityReport",
    "HarvestRun",
    "HarvestSource",
    "Holding",
    "IngestBatch",
    "QuarantinedRecord",
    "Source",
]
