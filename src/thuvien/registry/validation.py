"""Validating many library records quickly (bulk import).

Building a ModelForm per row costs milliseconds (field deep copies, a query per foreign key).
The row validator builds the form's fields once, cleans each value with them, takes units
from memory, and then applies the same rules as the form (registry.rules).
"""

from __future__ import annotations

from typing import Any

from django import forms

from thuvien.geo.models import AdminUnit
from thuvien.registry.forms import LibraryForm
from thuvien.registry.rules import check_library
from thuvien.registry.services.errors import LibraryDataError

UNIT_FIELDS = {"province", "commune", "old_commune"}


class RowValidator:
    def __init__(self) -> None:
        form = LibraryForm()
        self.fields = form.fields
        self.units = AdminUnit.objects.in_bulk()
        self.defaults = {name: field.initial for name, field in self.fields.items()}
        from thuvien.registry.models import Library

        blank = Library()
        for name in self.fields:
            if not self.fields[name].initial and hasattr(blank, name):
                self.defaults[name] = getattr(blank, name)

    def clean(self, data: dict[str, Any]) -> dict[str, Any]:
        """The cleaned values of the keys in ``data``; raises LibraryDataError."""
        cleaned: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for name, value in data.items():
            if name not in self.fields:
                continue
            try:
                cleaned[name] = self._clean_one(name, value)
            except forms.ValidationError as exc:
                errors.setdefault(name, []).extend(str(m) for m in exc.messages)
        merged = {**{k: v for k, v in self.defaults.items() if k not in cleaned}, **cleaned}
        check_library(merged, lambda field, msg: errors.setdefault(field, []).append(msg))
        if errors:
            raise LibraryDataError(errors)
        return {name: merged[name] for name in cleaned}

    def _clean_one(self, name: str, value: Any) -> Any:
        if name in UNIT_FIELDS:
            pk = getattr(value, "pk", value)
            if pk in (None, ""):
                return None
            unit = self.units.get(int(pk))
            if unit is None:
                raise forms.ValidationError("Đơn vị hành chính không tồn tại / unknown unit")
            return unit
        field = self.fields[name]
        if value is None:
            value = ""
        return field.clean(value)
