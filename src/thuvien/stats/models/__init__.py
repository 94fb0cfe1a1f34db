from thuvien.stats.models.aggregates import (
    AggregateCell,
    CountedFigures,
    PopulationFigure,
    TablesVersion,
)
from thuvien.stats.models.forms import DataElement, ElementGroup, FormDefinition, ValueType
from thuvien.stats.models.reports import (
    Attachment,
    ReportingRound,
    Submission,
    SubmissionEvent,
    SubmissionState,
    Value,
    ValueStatus,
)

__all__ = [
    "AggregateCell",
    "Attachment",
    "CountedFigures",
    "DataElement",
    "ElementGroup",
    "FormDefinition",
    "PopulationFigure",
    "ReportingRound",
    "Submission",
    "SubmissionEvent",
    "SubmissionState",
    "TablesVersion",
    "Value",
    "ValueStatus",
    "ValueType",
]
