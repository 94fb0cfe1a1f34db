"""Form definitions into the database: a new version when the content changes."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction

from thuvien.accounts.permissions import Action, require
from thuvien.kernel.audit.log import record_change
from thuvien.stats.definitions import ElementSpec, FormSpec
from thuvien.stats.models import DataElement, FormDefinition

ELEMENT_FIELDS = (
    "code",
    "label",
    "label_en",
    "group",
    "section",
    "unit",
    "unit_en",
    "value_type",
    "applies_to",
    "part_kind",
    "required",
    "min_value",
    "max_value",
    "yoy_low",
    "yoy_high",
    "condition",
    "aggregate",
    "help_text",
    "help_text_en",
)


def spec_of(form: FormDefinition) -> FormSpec:
    """The definition held in the database, as the pure spec the validation reads."""
    elements = []
    for element in form.elements.select_related("parent").order_by("position"):
        elements.append(
            ElementSpec(
                **{f: getattr(element, f) for f in ELEMENT_FIELDS if f != "applies_to"},
                applies_to=tuple(element.applies_to),
                choices=tuple(element.choices),
                parent=element.parent.code if element.parent else None,
            )
        )
    return FormSpec(
        code=form.code,
        name=form.name,
        name_en=form.name_en,
        kind=form.kind,
        periodicity=form.periodicity,
        legal_basis=form.legal_basis,
        description=form.description,
        elements=tuple(elements),
    )


def _same(form: FormDefinition, spec: FormSpec) -> bool:
    return asdict(spec_of(form)) == asdict(spec)


def load_form(user, spec: FormSpec, *, publish: bool = True, check: bool = True):
    """Store the definition; an unchanged one is left as it is, a changed one becomes the
    next version. Returns (form, created)."""
    if check:
        require(user, Action.STATS_MANAGE_FORMS)
    latest = FormDefinition.objects.filter(code=spec.code).order_by("-version").first()
    if latest is not None and _same(latest, spec):
        return latest, False
    with transaction.atomic():
        form = FormDefinition.objects.create(
            code=spec.code,
            version=(latest.version + 1) if latest else 1,
            name=spec.name,
            name_en=spec.name_en,
            kind=spec.kind,
            periodicity=spec.periodicity,
            legal_basis=spec.legal_basis,
            description=spec.description,
            published=publish,
        )
        _create_elements(form, spec)
        record_change(user, "stats.load_form", form, after={"elements": len(spec.elements)})
    return form, True


def _create_elements(form: FormDefinition, spec: FormSpec) -> None:
    created: dict[str, DataElement] = {}
    for position, element in enumerate(spec.elements):
        values = {f: getattr(element, f) for f in ELEMENT_FIELDS}
        values["applies_to"] = list(element.applies_to)
        created[element.code] = DataElement.objects.create(
            form=form,
            position=position,
            choices=list(element.choices),
            parent=created.get(element.parent) if element.parent else None,
            **values,
        )
