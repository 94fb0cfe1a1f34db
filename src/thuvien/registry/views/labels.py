"""Human labels for the codes the index stores (facets, badges)."""

from django.utils.translation import gettext_lazy as _

from thuvien.registry.choices import LibraryType, Ownership, PublicLevel, Service, Status

FACET_TITLES = {
    "library_type": _("Loại thư viện"),
    "level": _("Cấp"),
    "status": _("Tình trạng"),
    "province": _("Tỉnh/thành phố"),
    "commune": _("Xã/phường/đặc khu"),
    "services": _("Dịch vụ"),
    "country": _("Quốc gia"),
    "ownership": _("Sở hữu"),
}


COUNTRY_NAMES = {
    "VN": _("Việt Nam"),
    "US": _("Hoa Kỳ"),
    "GB": _("Vương quốc Anh"),
    "FR": _("Pháp"),
    "DE": _("Đức"),
    "JP": _("Nhật Bản"),
    "KR": _("Hàn Quốc"),
    "CN": _("Trung Quốc"),
    "AU": _("Úc"),
    "CA": _("Canada"),
    "RU": _("Nga"),
    "LA": _("Lào"),
    "KH": _("Campuchia"),
    "TH": _("Thái Lan"),
    "SG": _("Singapore"),
    "IN": _("Ấn Độ"),
    "IT": _("Ý"),
    "ES": _("Tây Ban Nha"),
    "NL": _("Hà Lan"),
    "CH": _("Thụy Sĩ"),
}


def _commune_names(codes: list[str]) -> dict[str, str]:
    from thuvien.geo.models import AdminUnit, Level, Scheme

    return dict(
        AdminUnit.objects.filter(
            scheme=Scheme.V2025, level=Level.COMMUNE, code__in=codes
        ).values_list("code", "name")
    )


def _province_names() -> dict[str, str]:
    from thuvien.geo.models import AdminUnit, Level, Scheme

    return dict(
        AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE).values_list(
            "code", "name"
        )
    )


def label_maps() -> dict[str, dict[str, str]]:
    return {
        "library_type": dict(LibraryType.choices),
        "level": {**dict(PublicLevel.choices), "none": _("Không phân cấp")},
        "status": dict(Status.choices),
        "services": dict(Service.choices),
        "ownership": dict(Ownership.choices),
        "province": _province_names(),
        "country": COUNTRY_NAMES,
    }


def labelled_facets(facets: dict[str, list[tuple[str, int]]], selected: dict[str, list[str]]):
    """Facets as [{name, title, values: [{value, label, count, checked}]}] for templates."""
    labels = label_maps()
    if "commune" in facets:
        labels["commune"] = _commune_names([v for v, _ in facets["commune"]])
    out = []
    for name, values in facets.items():
        chosen = set(selected.get(name, []))
        items = [
            {
                "value": v,
                "label": labels.get(name, {}).get(v, v) or v,
                "count": n,
                "checked": v in chosen,
            }
            for v, n in values
            if v
        ]
        if name in ("province", "commune"):
            items.sort(key=lambda item: str(item["label"]))
        if items:
            out.append(
                {
                    "name": name,
                    "title": FACET_TITLES.get(name, name),
                    "values": items,
                    "open": bool(chosen) or name in ("library_type", "province"),
                }
            )
    return out
