"""Labels for the catalogue's facet values."""

from django.utils.translation import gettext_lazy as _

FACET_TITLES = {
    "format": _("Loại tài liệu"),
    "language": _("Ngôn ngữ"),
    "decade": _("Thập niên"),
    "subject_facet": _("Chủ đề"),
    "library": _("Thư viện có tài liệu"),
    "province": _("Tỉnh/thành phố"),
}
LANGUAGES = {
    "vie": _("Tiếng Việt"),
    "eng": _("Tiếng Anh"),
    "fre": _("Tiếng Pháp"),
    "chi": _("Tiếng Trung"),
    "rus": _("Tiếng Nga"),
    "ger": _("Tiếng Đức"),
    "jpn": _("Tiếng Nhật"),
    "kor": _("Tiếng Hàn"),
    "spa": _("Tiếng Tây Ban Nha"),
    "lao": _("Tiếng Lào"),
    "khm": _("Tiếng Khmer"),
    "tha": _("Tiếng Thái"),
}


def _library_names(codes) -> dict[str, str]:
    from thuvien.registry.models import Library

    return dict(Library.objects.filter(vn_id__in=codes).values_list("vn_id", "name"))


def _province_names(codes) -> dict[str, str]:
    from thuvien.geo.models import AdminUnit, Level, Scheme

    return dict(
        AdminUnit.objects.filter(
            scheme=Scheme.V2025, level=Level.PROVINCE, code__in=codes
        ).values_list("code", "name")
    )


def _format_labels() -> dict[str, str]:
    from django.utils.translation import get_language

    from thuvien.catalog.marc.display import FORMAT_LABELS

    english = (get_language() or "vi").startswith("en")
    return {code: labels[1 if english else 0] for code, labels in FORMAT_LABELS.items()}


def labelled_facets(facets, selected):
    labels = {
        "language": LANGUAGES,
        "library": _library_names([v for v, _ in facets.get("library", [])]),
        "province": _province_names([v for v, _ in facets.get("province", [])]),
        "format": _format_labels(),
        "decade": {v: f"{v}–{int(v) + 9}" for v, _ in facets.get("decade", []) if v.isdigit()},
    }
    out = []
    for name, values in facets.items():
        chosen = set(selected.get(name, []))
        items = [
            {
                "value": v,
                "label": labels.get(name, {}).get(v, v),
                "count": n,
                "checked": v in chosen,
            }
            for v, n in values
            if v
        ]
        if name == "decade":
            items.sort(key=lambda item: item["value"], reverse=True)
        if items:
            out.append(
                {
                    "name": name,
                    "title": FACET_TITLES.get(name, name),
                    "values": items,
                    "open": bool(chosen) or name in ("format", "language", "library"),
                }
            )
    return out
