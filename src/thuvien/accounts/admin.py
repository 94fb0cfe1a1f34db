from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from thuvien.accounts.models import ApiToken, RoleAssignment, User
from thuvien.kernel.audit import record_change, snapshot


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("province", "library")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("thuvien", {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    inlines = [RoleInline]

    def save_formset(self, request, form, formset, change):
        """Role grants and removals are security changes: each goes to the audit log."""
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for role in formset.deleted_objects:
            record_change(request.user, "accounts.role.revoke", role, before=snapshot(role))
            role.delete()
        for role in instances:
            before = None if role.pk is None else snapshot(RoleAssignment.objects.get(pk=role.pk))
            role.save()
            record_change(
                request.user, "accounts.role.grant", role, before=before, after=snapshot(role)
            )
        formset.save_m2m()
        return None


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False  # tokens are issued by `thuvien accounts_issue_token`, shown once
