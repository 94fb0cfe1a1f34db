"""Founding, merger and closure notifications: submit, list, decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thuvien.accounts.permissions import Action, Target, has_perm, province_ids_for
from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.registry.choices import LibraryType
from thuvien.registry.models import Library, Notification
from thuvien.registry.services import LibraryDataError
from thuvien.registry.services import notifications as service


class NotificationForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại thông báo"),
        choices=[(k.value, k.label) for k in service.NOTIFIABLE_KINDS],
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("Tỉnh/thành phố (Sở VHTTDL nhận thông báo)"),
        queryset=AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE).order_by(
            "name"
        ),
    )
    submitter_name = forms.CharField(
        label=gettext_lazy("Tổ chức, cá nhân thông báo"), max_length=255
    )
    submitter_contact = forms.CharField(
        label=gettext_lazy("Liên hệ"), max_length=255, required=False
    )
    effective_date = forms.DateField(
        label=gettext_lazy("Ngày dự kiến có hiệu lực"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    libraries = forms.CharField(
        label=gettext_lazy("Mã thư viện liên quan (VN-…), cách nhau bởi dấu phẩy"), required=False
    )
    successor = forms.CharField(label=gettext_lazy("Mã thư viện nhận sáp nhập"), required=False)
    new_name = forms.CharField(
        label=gettext_lazy("Tên thư viện mới"), max_length=255, required=False
    )
    new_type = forms.ChoiceField(
        label=gettext_lazy("Loại thư viện mới"),
        choices=[("", "—"), *LibraryType.choices],
        required=False,
    )
    new_address = forms.CharField(
        label=gettext_lazy("Địa chỉ thư viện mới"), max_length=255, required=False
    )
    collection_size = forms.IntegerField(
        label=gettext_lazy("Số bản tài liệu"), min_value=0, required=False
    )
    floor_area_m2 = forms.DecimalField(
        label=gettext_lazy("Diện tích (m²)"), min_value=0, required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    document = forms.FileField(label=gettext_lazy("Văn bản kèm theo (PDF, ảnh)"), required=False)

    def clean_libraries(self):
        ids = [v.strip().upper() for v in self.cleaned_data["libraries"].split(",") if v.strip()]
        found = list(Library.objects.filter(vn_id__in=ids))
        missing = set(ids) - {lib.vn_id for lib in found}
        if missing:
            raise forms.ValidationError(
                _("Không có thư viện mã %(ids)s") % {"ids": ", ".join(sorted(missing))}
            )
        return found

    def to_request(self) -> service.NotificationRequest:
        data = self.cleaned_data
        new = []
        if data["new_name"]:
            new.append(
                {
                    k: v
                    for k, v in {
                        "name": data["new_name"],
                        "library_type": data["new_type"],
                        "level": "commune" if data["new_type"] == "public" else "",
                        "ownership": "non_public" if data["new_type"] == "community" else "public",
                        "province": data["province"].pk,
                        "street_address": data["new_address"],
                        "collection_size": data["collection_size"],
                        "floor_area_m2": str(data["floor_area_m2"])
                        if data["floor_area_m2"] is not None
                        else None,
                    }.items()
                    if v not in (None, "")
                }
            )
        successor = next(
            (lib for lib in data["libraries"] if lib.vn_id == data["successor"].strip().upper()),
            None,
        )
        return service.NotificationRequest(
            kind=data["kind"],
            province_id=data["province"].pk,
            submitter_name=data["submitter_name"],
            submitter_contact=data["submitter_contact"],
            effective_date=data["effective_date"],
            libraries=data["libraries"],
            new_libraries=new,
            successor=successor,
            reason=data["reason"],
        )


@login_required
def notification_list(request):
    provinces = province_ids_for(request.user, Action.REGISTRY_VIEW_NOTIFICATIONS)
    queryset = Notification.objects.select_related("province")
    if provinces is not None:
        queryset = queryset.filter(province_id__in=provinces) | queryset.filter(
            submitted_by=request.user
        )
    return render(
        request,
        "registry/notification_list.html",
        {
            "notifications": queryset.order_by("-received_at")[:200],
            "overdue": {n.pk for n in service.overdue(queryset)},
        },
    )


@login_required
def notification_submit(request):
    form = NotificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        documents = (
            [(_("Văn bản kèm theo"), request.FILES["document"])]
            if request.FILES.get("document")
            else []
        )
        try:
            notification = service.submit_notification(request.user, form.to_request(), documents)
        except LibraryDataError as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(None, f"{field}: {error}")
        else:
            messages.success(
                request,
                _("Đã gửi thông báo. Hạn trả lời: %(date)s")
                % {"date": notification.due_date.strftime("%d/%m/%Y")},
            )
            return redirect("registry:notification", notification.pk)
    return render(request, "registry/notification_submit.html", {"form": form})


@login_required
def notification_detail(request, pk: int):
    notification = get_object_or_404(Notification.objects.select_related("province"), pk=pk)
    target = Target.for_province(notification.province_id)
    can_view = has_perm(request.user, Action.REGISTRY_VIEW_NOTIFICATIONS, target)
    if not can_view and notification.submitted_by_id != request.user.pk:
        raise PermissionDenied(_("Bạn không được xem thông báo này."))
    can_decide = has_perm(request.user, Action.REGISTRY_DECIDE_NOTIFICATION, target)
    if request.method == "POST":
        _act(request, notification)
        return redirect("registry:notification", pk)
    return render(
        request,
        "registry/notification_detail.html",
        {
            "notification": notification,
            "can_decide": can_decide,
            "is_submitter": notification.submitted_by_id == request.user.pk,
        },
    )


def _act(request, notification: Notification) -> None:
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    actions = {
        "accept": lambda: service.accept_notification(request.user, notification, note),
        "reject": lambda: service.reject_notification(request.user, notification, note),
        "more": lambda: service.request_more_documents(request.user, notification, note),
        "documents": lambda: service.add_documents(
            request.user,
            notification,
            [(request.POST.get("title", ""), f) for f in request.FILES.getlist("document")],
        ),
    }
    if action not in actions:
        messages.error(request, _("Thao tác không hợp lệ."))
        return
    try:
        actions[action]()
    except LibraryDataError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã cập nhật thông báo."))
