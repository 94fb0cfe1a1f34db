"""Programme targets are edited here (they are data); criteria sets come from files."""

from django.contrib import admin

from thuvien.evaluation.models import (
    CriteriaSet,
    EvaluatingBody,
    EvaluationRound,
    Programme,
    ProgrammeKpi,
)


class KpiInline(admin.StackedInline):
    model = ProgrammeKpi
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "form_code")
    inlines = [KpiInline]


@admin.register(EvaluatingBody)
class EvaluatingBodyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "name", "body", "shared")
    readonly_fields = ("definition",)


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "body", "criteria_set", "closed")
    list_filter = ("year", "closed")
