"""Validation of library data, shared by the web pages, the API and imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.registry.choices import Service
from thuvien.registry.models import Library
from thuvien.registry.rules import check_library

EDITABLE_FIELDS = [
    "name", "name_en", "short_name", "library_type", "level", "ownership",
    "is_key_public_library", "founding_body", "managing_body", "parent",
    "founding_decision_number", "founding_decision_date", "status",
    "country", "region", "province", "commune", "street_address", "old_commune", "old_address",
    "latitude", "longitude", "phone", "email", "website", "opening_hours", "services",
    "collection_size", "staff_count", "floor_area_m2", "seats",
    "ils_name", "oai_endpoint", "sru_endpoint", "z3950_endpoint",
]  # fmt: skip

# Changing these is a decision of the managing authority, not of the library's own staff.
AUTHORITY_FIELDS = {
    "library_type", "level", "ownership", "is_key_public_library", "parent", "status",
    "founding_decision_number", "founding_decision_date", "founding_body", "managing_body",
}  # fmt: skip


class LibraryForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Trang web"), max_length=500, required=False, assume_scheme="https"
    )
    oai_endpoint = forms.URLField(
        label=_("Địa chỉ OAI-PMH"), max_length=500, required=False, assume_scheme="https"
    )
    sru_endpoint = forms.URLField(
        label=_("Địa chỉ SRU"), max_length=500, required=False, assume_scheme="https"
    )
    services = forms.MultipleChoiceField(
        label=_("Dịch vụ"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Library
        fields = EDITABLE_FIELDS
        widgets = {
            "founding_decision_date": forms.DateInput(attrs={"type": "date"}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.filter(scheme=Scheme.V2025)
        self.fields["province"].queryset = units.filter(level=Level.PROVINCE).order_by("name")
        self.fields["commune"].queryset = units.filter(level=Level.COMMUNE)
        self.fields["old_commune"].queryset = AdminUnit.objects.filter(
            scheme=Scheme.PRE2025, level=Level.COMMUNE
        )
        self.fields["parent"].queryset = Library.objects.all()

    GROUPS = (
        (
            _("Tên và phân loại"),
            (
                "name",
                "name_en",
                "short_name",
                "library_type",
                "level",
                "ownership",
                "is_key_public_library",
                "status",
                "parent",
            ),
        ),
        (
            _("Thành lập"),
            (
                "founding_body",
                "managing_body",
                "founding_decision_number",
                "founding_decision_date",
            ),
        ),
        (
            _("Địa chỉ"),
            (
                "country",
                "region",
                "province",
                "commune",
                "street_address",
                "old_commune",
                "old_address",
                "latitude",
                "longitude",
            ),
        ),
        (_("Liên hệ và phục vụ"), ("phone", "email", "website", "opening_hours", "services")),
        (_("Năng lực"), ("collection_size", "staff_count", "floor_area_m2", "seats")),
        (_("Hệ thống"), ("ils_name", "oai_endpoint", "sru_endpoint", "z3950_endpoint")),
    )

    @property
    def groups(self):
        return [
            {"title": title, "fields": [self[name] for name in names if name in self.fields]}
            for title, names in self.GROUPS
        ]

    def clean(self):
        data = super().clean()
        check_library(data, self.add_error)
        return data
