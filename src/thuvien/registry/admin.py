"""Django admin for staff. Library changes go through the services so they are audited."""

from django.contrib import admin, messages
from django.forms.models import model_to_dict
from simple_history.admin import SimpleHistoryAdmin

from thuvien.registry.forms import EDITABLE_FIELDS
from thuvien.registry.models import (
    EventLink,
    ImportBatch,
    Library,
    LibraryAlias,
    LibraryName,
    LifecycleEvent,
    Notification,
    NotificationDocument,
)
from thuvien.registry.services import LibraryDataError, create_library, update_library


class AliasInline(admin.TabularInline):
    model = LibraryAlias
    extra = 0


class NameInline(admin.TabularInline):
    model = LibraryName
    extra = 0


@admin.register(Library)
class LibraryAdmin(SimpleHistoryAdmin):
    list_display = ("vn_id", "name", "library_type", "level", "status", "province", "country")
    list_filter = ("library_type", "level", "status", "ownership", "country")
    search_fields = ("vn_id", "name", "name_en", "short_name", "aliases__value")
    readonly_fields = ("vn_id", "created_at", "updated_at", "created_by")
    raw_id_fields = ("parent", "province", "commune", "old_commune")
    inlines = [AliasInline, NameInline]
    list_select_related = ("province",)

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data
        }
        try:
            if change:
                changed = {k: v for k, v in data.items() if k in form.changed_data}
                saved = update_library(
                    request.user, Library.objects.get(pk=obj.pk), changed, reason="admin"
                )
            else:
                saved = create_library(request.user, data, reason="admin")
        except LibraryDataError as exc:
            messages.error(request, str(exc))
            return
        obj.pk, obj.vn_id = saved.pk, saved.vn_id
        obj.__dict__.update(model_to_dict(saved))


class EventLinkInline(admin.TabularInline):
    model = EventLink
    extra = 0
    raw_id_fields = ("library",)


@admin.register(LifecycleEvent)
class LifecycleEventAdmin(admin.ModelAdmin):
    list_display = ("kind", "date", "document_number", "source")
    list_filter = ("kind",)
    inlines = [EventLinkInline]


class DocumentInline(admin.TabularInline):
    model = NotificationDocument
    extra = 0


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "submitter_name", "province", "status", "due_date")
    list_filter = ("status", "kind")
    inlines = [DocumentInline]
    readonly_fields = ("status", "decided_at", "decided_by", "event")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("original_name", "status", "created_by", "created_at")
    readonly_fields = ("report",)
