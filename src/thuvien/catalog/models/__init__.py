from thuvien.catalog.models.clusters import (
    Cluster,
    ClusteredVersion,
    ClusterMember,
    ManualDecision,
    MatchKey,
    MatchLink,
)
from thuvien.catalog.models.harvest import HarvestRun, HarvestSource
from thuvien.catalog.models.ingest import IngestBatch, QuarantinedRecord
from thuvien.catalog.models.quality import CatalogQualityReport
from thuvien.catalog.models.records import BibRecord, Holding, Source

__all__ = [
    "BibRecord",
    "CatalogQualityReport",
    "Cluster",
    "ClusterMember",
    "ClusteredVersion",
    "HarvestRun",
    "HarvestSource",
    "Holding",
    "IngestBatch",
    "ManualDecision",
    "MatchKey",
    "MatchLink",
    "QuarantinedRecord",
    "Source",
]
