from django.contrib import admin

from thuvien.digital.models import (
    Collection,
    DigitalBatch,
    DigitalObject,
    FixityAudit,
    Page,
    PreservationEvent,
)


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "library")
    search_fields = ("slug", "title")
    raw_id_fields = ("library",)


class PageInline(admin.TabularInline):
    model = Page
    fields = ("order", "label", "source_path", "status", "ocr_status", "width", "height")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(DigitalObject)
class DigitalObjectAdmin(admin.ModelAdmin):
    list_display = ("ident", "title", "kind", "access", "status", "page_count", "library")
    list_filter = ("status", "access", "kind")
    search_fields = ("ident", "title")
    raw_id_fields = ("library", "collection", "batch", "record")
    readonly_fields = ("ident", "ocfl_version", "replicated_version", "last_audit_at")
    inlines = [PageInline]


@admin.register(DigitalBatch)
class DigitalBatchAdmin(admin.ModelAdmin):
    list_display = ("original_name", "library", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("library", "collection", "job", "created_by")


@admin.register(PreservationEvent)
class PreservationEventAdmin(admin.ModelAdmin):
    list_display = ("when", "object_ident", "event_type", "outcome")
    list_filter = ("event_type", "outcome")
    search_fields = ("object_ident",)
    raw_id_fields = ("obj",)


@admin.register(FixityAudit)
class FixityAuditAdmin(admin.ModelAdmin):
    list_display = ("started_at", "objects_checked", "files_checked", "repaired", "unrepaired")
