from django.shortcuts import render

from thuvien.kernel.search import SearchError
from thuvien.registry.selectors import DirectoryFilters, search_directory
from thuvien.registry.views.labels import label_maps


def home(request):
    try:
        overview = search_directory(DirectoryFilters(limit=1), highlight=False)
    except SearchError:
        overview = None
    types = []
    if overview is not None:
        labels = label_maps()["library_type"]
        types = [
            (code, labels.get(code, code), n) for code, n in overview.facets.get("library_type", [])
        ]
    provinces = len(overview.facets.get("province", [])) if overview else 0
    return render(
        request,
        "portal/home.html",
        {
            "total": overview.total if overview else 0,
            "types": types,
            "provinces": provinces,
        },
    )


def permission_denied(request, exception=None):
    return render(request, "portal/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "portal/404.html", status=404)
