"""Background job handlers of the statistics (discovered by thuvien.ops.jobs)."""

from thuvien.stats.services.imports import import_job

__all__ = ["import_job"]
