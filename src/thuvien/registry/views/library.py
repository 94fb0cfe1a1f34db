"""One library: its page, its field history, and the edit form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from thuvien.accounts.permissions import Action, Target, has_any_scope, has_perm
from thuvien.registry.choices import Service
from thuvien.registry.forms import LibraryForm
from thuvien.registry.identifiers import normalize_identifier
from thuvien.registry.models import Library
from thuvien.registry.services import LibraryDataError, create_library, update_library
from thuvien.registry.services.events import events_of, predecessors_of, successors_of
from thuvien.registry.services.history import field_history


def _get(vn_id: str) -> Library:
    return get_object_or_404(
        Library.objects.select_related("province", "commune", "old_commune", "parent"),
        vn_id=normalize_identifier(vn_id),
    )


def library_page(request, vn_id: str):
    library = _get(vn_id)
    if library.vn_id != vn_id:
        return redirect("registry:library", library.vn_id, permanent=True)
    context = {
        "library": library,
        "events": events_of(library),
        "successors": successors_of(library) if not library.is_open else [],
        "predecessors": predecessors_of(library),
        "branches": library.branches.order_by("name"),
        "other_names": library.other_names.all(),
        "aliases": library.aliases.all(),
        "service_labels": dict(Service.choices),
        "can_edit": has_perm(request.user, Action.REGISTRY_CHANGE, Target.for_library(library)),
    }
    return render(request, "registry/library.html", context)


def library_history(request, vn_id: str):
    library = _get(vn_id)
    return render(
        request, "registry/history.html", {"library": library, "versions": field_history(library)}
    )


def _save_form(request, form: LibraryForm, library: Library | None):
    data = {name: form.cleaned_data[name] for name in form.changed_data}
    reason = request.POST.get("reason", "")
    try:
        if library is None:
            return create_library(request.user, form.cleaned_data, reason=reason)
        return update_library(request.user, library, data, reason=reason)
    except LibraryDataError as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    return None


@login_required
def library_edit(request, vn_id: str):
    library = _get(vn_id)
    if not has_perm(request.user, Action.REGISTRY_CHANGE, Target.for_library(library)):
        raise PermissionDenied(_("Bạn không được sửa thông tin thư viện này."))
    form = LibraryForm(request.POST or None, instance=Library.objects.get(pk=library.pk))
    if request.method == "POST" and form.is_valid():
        saved = _save_form(request, form, library)
        if saved is not None:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("registry:library", saved.vn_id)
    return render(request, "registry/edit.html", {"form": form, "library": library})


@login_required
def library_create(request):
    if not has_any_scope(request.user, Action.REGISTRY_CREATE):
        raise PermissionDenied(_("Bạn không được đăng ký thư viện mới."))
    form = LibraryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _save_form(request, form, None)
        if saved is not None:
            messages.success(request, _("Đã đăng ký thư viện %(id)s.") % {"id": saved.vn_id})
            return redirect("registry:library", saved.vn_id)
    return render(request, "registry/edit.html", {"form": form, "library": None})
