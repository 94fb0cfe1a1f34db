from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from thuvien.accounts.models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("province", "library")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("thuvien", {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    inlines = [RoleInline]
