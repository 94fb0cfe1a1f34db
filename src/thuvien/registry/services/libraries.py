"""Creating and changing libraries."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from thuvien.accounts.permissions import Action, Target, has_perm, require
from thuvien.kernel.audit import record_change, snapshot
from thuvien.registry.forms import AUTHORITY_FIELDS, EDITABLE_FIELDS, LibraryForm
from thuvien.registry.identifiers import format_identifier
from thuvien.registry.models import IdentifierSequence, Library, LibraryAlias, LibraryName
from thuvien.registry.services.errors import LibraryDataError
from thuvien.registry.services.indexing import schedule_index

SEQUENCE_NAME = "library"


def allocate_identifier() -> str:
    """The next VN- identifier; the row lock makes concurrent allocations safe."""
    with transaction.atomic():
        sequence, _ = IdentifierSequence.objects.select_for_update().get_or_create(
            name=SEQUENCE_NAME
        )
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
        return format_identifier(sequence.last_value)


def validate(data: dict[str, Any], instance: Library | None = None) -> dict[str, Any]:
    """Clean ``data`` (field name -> value or id) with the shared form; raise on errors."""
    initial = model_to_dict(instance or Library(), fields=EDITABLE_FIELDS)
    merged = {**initial, **data}
    form = LibraryForm(data=_form_data(merged), instance=instance)
    if not form.is_valid():
        raise LibraryDataError({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Model instances to ids and None to empty, as a submitted form would carry them."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if hasattr(value, "pk"):
            value = value.pk
        if value is None:
            value = ""
        if isinstance(value, bool) and not value:
            continue  # an unchecked checkbox is absent from a submitted form
        out[key] = value
    return out


@transaction.atomic
def create_library(actor, data: dict[str, Any], *, reason: str = "") -> Library:
    cleaned = validate(data)
    require(actor, Action.REGISTRY_CREATE, Target.for_province(_pk(cleaned.get("province"))))
    library = Library(**cleaned)
    library.vn_id = allocate_identifier()
    library.created_by = actor if getattr(actor, "is_authenticated", False) else None
    _save_with_history(library, actor, reason or "create")
    record_change(actor, "registry.library.create", library, after=snapshot(library))
    schedule_index([library.pk])
    return library


@transaction.atomic
def update_library(
    actor,
    library: Library,
    changes: dict[str, Any],
    *,
    reason: str = "",
    action: Action = Action.REGISTRY_CHANGE,
) -> Library:
    library = Library.objects.select_for_update().get(pk=library.pk)
    before = snapshot(library)
    require(actor, action, Target.for_library(library))
    cleaned = validate(changes, instance=library)
    changed = {k: v for k, v in cleaned.items() if k in changes}
    touches_authority = AUTHORITY_FIELDS & {
        k for k, v in changed.items() if _differs(_old(before, library, k), v)
    }
    if touches_authority:
        require(actor, Action.REGISTRY_RECORD_EVENT, Target.for_library(library))
    for key, value in changed.items():
        setattr(library, key, value)
    if library.province_id != before["province_id"]:
        require(actor, action, Target.for_library(library))
    after = snapshot(library)
    if after == before:
        return library
    _save_with_history(library, actor, reason or "update")
    record_change(
        actor, "registry.library.update", library, before=before, after=after, note=reason
    )
    schedule_index([library.pk])
    return library


def can_edit(actor, library: Library) -> bool:
    return has_perm(actor, Action.REGISTRY_CHANGE, Target.for_library(library))


@transaction.atomic
def add_alias(actor, library: Library, scheme: str, value: str) -> LibraryAlias:
    require(actor, Action.REGISTRY_CHANGE, Target.for_library(library))
    alias, created = LibraryAlias.objects.get_or_create(
        scheme=scheme.strip(), value=value.strip(), defaults={"library": library}
    )
    if alias.library_id != library.pk:
        raise LibraryDataError(
            {
                "aliases": [
                    f"Mã {scheme}:{value} đã gắn với {alias.library.vn_id} / "
                    f"{scheme}:{value} already belongs to {alias.library.vn_id}"
                ]
            }
        )
    if created:
        record_change(actor, "registry.alias.add", library, after={"alias": str(alias)})
        schedule_index([library.pk])
    return alias


@transaction.atomic
def add_other_name(
    actor, library: Library, name: str, kind: str, valid_from=None, valid_to=None
) -> LibraryName:
    require(actor, Action.REGISTRY_CHANGE, Target.for_library(library))
    other = LibraryName.objects.create(
        library=library, name=name, kind=kind, valid_from=valid_from, valid_to=valid_to
    )
    record_change(actor, "registry.name.add", library, after={"name": name, "kind": kind})
    schedule_index([library.pk])
    return other


def _save_with_history(library: Library, actor, reason: str) -> None:
    library._history_user = actor if getattr(actor, "is_authenticated", False) else None
    library._change_reason = reason[:100]
    library.save()


def _old(before: dict[str, Any], library: Library, name: str):
    """The value ``name`` had before validation (the form writes into the instance)."""
    return before[library._meta.get_field(name).attname]


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


def _differs(old, new) -> bool:
    return _pk(old) != _pk(new)
