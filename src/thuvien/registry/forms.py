"""Validation of library data, shared by the web pages, the API and imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.kernel.text import normalize_text
from thuvien.registry.choices import LibraryType, PublicLevel, Service
from thuvien.registry.models import Library

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

TEXT_FIELDS = {"name", "name_en", "short_name", "founding_body", "managing_body", "region",
               "street_address", "old_address", "opening_hours", "ils_name"}


def bilingual(vi: str, en: str) -> str:
    return f"{vi} / {en}"


class LibraryForm(forms.ModelForm):
    website = forms.URLField(label=_("trang web"), max_length=500, required=False,
                             assume_scheme="https")
    oai_endpoint = forms.URLField(label=_("địa chỉ OAI-PMH"), max_length=500, required=False,
                                  assume_scheme="https")
    sru_endpoint = forms.URLField(label=_("địa chỉ SRU"), max_length=500, required=False,
                                  assume_scheme="https")
    services = forms.MultipleChoiceField(
        label=_("dịch vụ"), choices=Service.choices, required=False,
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
        (_("Tên và phân loại"), ("name", "name_en", "short_name", "library_type", "level",
                                 "ownership", "is_key_public_library", "status", "parent")),
        (_("Thành lập"), ("founding_body", "managing_body", "founding_decision_number",
                          "founding_decision_date")),
        (_("Địa chỉ"), ("country", "region", "province", "commune", "street_address",
                        "old_commune", "old_address", "latitude", "longitude")),
        (_("Liên hệ và phục vụ"), ("phone", "email", "website", "opening_hours", "services")),
        (_("Năng lực"), ("collection_size", "staff_count", "floor_area_m2", "seats")),
        (_("Hệ thống"), ("ils_name", "oai_endpoint", "sru_endpoint", "z3950_endpoint")),
    )

    @property
    def groups(self):
        return [{"title": title, "fields": [self[name] for name in names if name in self.fields]}
                for title, names in self.GROUPS]

    def clean(self):
        data = super().clean()
        for name in TEXT_FIELDS & set(data):
            if isinstance(data.get(name), str):
                data[name] = normalize_text(data[name])
        self._check_place(data)
        self._check_level(data)
        self._check_coordinates(data)
        return data

    def _check_place(self, data) -> None:
        country = (data.get("country") or "VN").upper()
        data["country"] = country
        province, commune = data.get("province"), data.get("commune")
        if country == "VN":
            if province is None:
                self.add_error("province", bilingual(
                    "Thư viện ở Việt Nam cần có tỉnh/thành phố (theo đơn vị hành chính 2025)",
                    "A library in Vietnam needs a province (2025 administrative units)"))
            elif commune is not None and commune.province_id != province.pk:
                self.add_error("commune", bilingual(
                    f"Xã/phường {commune.name} không thuộc {province.name}",
                    f"Commune {commune.name} is not in {province.name}"))
        elif province is not None or commune is not None:
            self.add_error("country", bilingual(
                "Thư viện ngoài Việt Nam không dùng đơn vị hành chính Việt Nam; ghi vùng/địa phương",
                "A library outside Vietnam has a region, not Vietnamese administrative units"))

    def _check_level(self, data) -> None:
        library_type, level = data.get("library_type"), data.get("level")
        if level and library_type != LibraryType.PUBLIC:
            self.add_error("level", bilingual(
                "Chỉ thư viện công cộng có cấp (tỉnh, xã)",
                "Only public libraries have a level (province, commune)"))
        in_vietnam = (data.get("country") or "VN") == "VN"
        if library_type == LibraryType.PUBLIC and not level and in_vietnam:
            self.add_error("level", bilingual(
                "Thư viện công cộng cần có cấp: tỉnh hoặc xã",
                "A public library needs a level: province or commune"))
        if level == PublicLevel.DISTRICT and data.get("status") == "active":
            self.add_error("level", bilingual(
                "Cấp huyện đã bỏ từ 01/7/2025; chỉ giữ trong lịch sử",
                "The district level was abolished on 1 July 2025; it is history only"))

    def _check_coordinates(self, data) -> None:
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error("latitude", bilingual(
                "Cần cả vĩ độ và kinh độ", "Both latitude and longitude are needed"))
        if lat is not None and not -90 <= lat <= 90:
            self.add_error("latitude", bilingual(
                "Vĩ độ phải trong khoảng -90..90", "Latitude must be within -90..90"))
        if lon is not None and not -180 <= lon <= 180:
            self.add_error("longitude", bilingual(
                "Kinh độ phải trong khoảng -180..180", "Longitude must be within -180..180"))
