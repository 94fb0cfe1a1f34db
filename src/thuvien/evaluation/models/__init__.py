from thuvien.evaluation.models.criteria import (
    BodyKind,
    CriteriaSet,
    Direction,
    EvaluatingBody,
    Indicator,
)
from thuvien.evaluation.models.programmes import KpiKind, Programme, ProgrammeKpi
from thuvien.evaluation.models.rounds import (
    EvaluationEvent,
    EvaluationRound,
    EvaluationState,
    IndicatorResult,
    LibraryEvaluation,
    PeerGroup,
)

__all__ = [
    "BodyKind",
    "CriteriaSet",
    "Direction",
    "EvaluatingBody",
    "EvaluationEvent",
    "EvaluationRound",
    "EvaluationState",
    "Indicator",
    "IndicatorResult",
    "KpiKind",
    "LibraryEvaluation",
    "PeerGroup",
    "Programme",
    "ProgrammeKpi",
]
