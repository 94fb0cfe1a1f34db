"""Criteria sets into the database: checked against the statistics form they read, a new
version when the content changes, the evaluating body created on first use."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal

from django.db import transaction

from thuvien.accounts.permissions import Action, Target, require
from thuvien.evaluation.criteria import FACTS, Band, CriteriaSpec
from thuvien.evaluation.models import CriteriaSet, EvaluatingBody, Indicator
from thuvien.evaluation.specs import SpecError
from thuvien.kernel.audit.log import record_change


def numeric_codes(form_code: str) -> set[str] | None:
    """The numeric element codes of the latest version of a statistics form (None: no
    such form loaded)."""
    from thuvien.stats.models import DataElement, FormDefinition
    from thuvien.stats.models.forms import NUMERIC_TYPES

    form = FormDefinition.objects.filter(code=form_code).order_by("-version").first()
    if form is None:
        return None
    # Yes/no answers are stored as 1/0 and may be used (a website: CS04).
    types = [*NUMERIC_TYPES, "boolean"]
    rows = DataElement.objects.filter(form=form, value_type__in=types)
    return set(rows.values_list("code", flat=True))


def check_codes(form_code: str, formulas: list[tuple[str, tuple[str, ...]]]) -> None:
    """Every code a formula reads is a numeric element of the form (or a known fact)."""
    known = numeric_codes(form_code)
    if known is None:
        raise SpecError(
            [
                f"form: chưa nạp biểu mẫu thống kê {form_code!r} / the statistics form "
                f"{form_code!r} is not loaded"
            ]
        )
    problems = []
    for where, codes in formulas:
        for code in codes:
            if code not in known and code not in FACTS:
                problems.append(
                    f"{where}.formula: {code} không phải chỉ tiêu số của biểu mẫu {form_code} /"
                    f" {code} is not a numeric element of the form {form_code}"
                )
    if problems:
        raise SpecError(problems)


def _body(spec: CriteriaSpec) -> EvaluatingBody:
    from thuvien.geo.models import AdminUnit, Level, Scheme

    province = None
    if spec.body.province:
        province = AdminUnit.objects.filter(
            scheme=Scheme.V2025, level=Level.PROVINCE, code=spec.body.province
        ).first()
        if province is None:
            raise SpecError(
                [f"body.province: không có tỉnh {spec.body.province} / no such province"]
            )
    body, _ = EvaluatingBody.objects.get_or_create(
        code=spec.body.code,
        defaults={
            "name": spec.body.name,
            "name_en": spec.body.name_en,
            "kind": spec.body.kind,
            "province": province,
        },
    )
    return body


def _bands(bands: tuple[Band, ...]) -> list[dict]:
    return [
        {"rating": b.rating, "threshold": None if b.threshold is None else str(b.threshold)}
        for b in bands
    ]


def _definition(spec: CriteriaSpec) -> dict:
    """The spec as JSON data (numbers as text), to tell an unchanged file from a new one."""
    return json.loads(json.dumps(asdict(spec), default=str))


def load_criteria(user, spec: CriteriaSpec) -> tuple[CriteriaSet, bool]:
    """Store the set (an unchanged one is left as it is); returns (set, created)."""
    check_codes(
        spec.form, [(f"indicators[{i}]", ind.codes) for i, ind in enumerate(spec.indicators)]
    )
    with transaction.atomic():
        body = _body(spec)
        require(user, Action.EVALUATION_MANAGE, Target.for_province(body.province_id))
        latest = CriteriaSet.objects.filter(code=spec.code).order_by("-version").first()
        definition = _definition(spec)
        if latest is not None and latest.definition == definition and latest.body == body:
            return latest, False
        criteria_set = CriteriaSet.objects.create(
            body=body,
            code=spec.code,
            version=(latest.version + 1) if latest else 1,
            name=spec.name,
            name_en=spec.name_en,
            legal_basis=spec.legal_basis,
            description=spec.description,
            shared=spec.shared,
            form_code=spec.form,
            library_types=list(spec.library_types),
            ratings=[{**asdict(r), "points": str(r.points)} for r in spec.ratings],
            overall_bands=_bands(spec.overall),
            min_weight_share=spec.min_weight_share,
            definition=definition,
        )
        _indicators(criteria_set, spec)
        record_change(
            user,
            "evaluation.load_criteria",
            criteria_set,
            after={"version": criteria_set.version, "indicators": len(spec.indicators)},
        )
    return criteria_set, True


def _indicators(criteria_set: CriteriaSet, spec: CriteriaSpec) -> None:
    Indicator.objects.bulk_create(
        [
            Indicator(
                criteria_set=criteria_set,
                position=position,
                code=ind.code,
                name=ind.name,
                name_en=ind.name_en,
                ref=ind.ref,
                formula=ind.formula,
                unit=ind.unit,
                unit_en=ind.unit_en,
                decimals=ind.decimals,
                direction=ind.direction,
                weight=ind.weight,
                bands=_bands(ind.bands),
                applies_to=list(ind.applies_to),
                description=ind.description,
                description_en=ind.description_en,
            )
            for position, ind in enumerate(spec.indicators)
        ]
    )


def bands_of(stored: list[dict]) -> tuple[Band, ...]:
    """Bands as the scoring functions read them, from their stored form."""
    return tuple(
        Band(b["rating"], None if b["threshold"] is None else Decimal(b["threshold"]))
        for b in stored
    )
