"""Read-only admin for the unit lists: they change only by reloading the official data."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from thuvien.geo.models import AdminUnit, UnitSuccession
from thuvien.kernel.text import fold_for_search


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuccessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "old"
    fields = ("new", "whole")
    readonly_fields = fields
    extra = 0
    verbose_name = _("đơn vị mới")
    verbose_name_plural = _("trở thành (đơn vị từ 01/7/2025)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PredecessorInline(SuccessorInline):
    fk_name = "new"
    fields = ("old", "whole")
    readonly_fields = fields
    verbose_name = _("đơn vị cũ")
    verbose_name_plural = _("hình thành từ (đơn vị trước 01/7/2025)")


@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdmin):
    list_display = ("qualified_code", "name", "level", "province", "english_name")
    list_filter = ("scheme", "level")
    search_fields = ("code", "name", "name_folded", "english_name")
    list_select_related = ("province",)
    readonly_fields = ("name_folded", "name_key")
    inlines = (SuccessorInline, PredecessorInline)
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AdminUnit], search_term: str
    ) -> tuple[QuerySet[AdminUnit], bool]:
        # Typing without diacritics ("ben nghe") must find "Bến Nghé".
        found, duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold_for_search(search_term)
        if folded and folded != search_term:
            found |= queryset.filter(name_folded__contains=folded)
        return found, duplicates


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ("old", "new", "whole")
    list_filter = ("whole", "old__level")
    search_fields = ("old__name", "old__name_folded", "old__code", "new__name", "new__code")
    list_select_related = ("old", "new")
