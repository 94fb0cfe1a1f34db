"""MARC 21 in pure Python (no Django): the record model, readers, encodings, extraction and
writers used by the union catalogue."""

from thuvien.catalog.marc.record import ControlField, DataField, Record

__all__ = ["ControlField", "DataField", "Record"]
