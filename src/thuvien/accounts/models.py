"""Users and their roles, scoped to an organisation (the nation, a province, a library)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY_ADMIN = "ministry_admin", _("Quản trị cấp Bộ")
    NATIONAL_LIBRARY = "national_library", _("Thư viện Quốc gia Việt Nam")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ Sở VHTTDL")
    LIBRARY_STAFF = "library_staff", _("Người làm công tác thư viện")
    READER = "reader", _("Bạn đọc")


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role a user holds, scoped: province officers to a 2025 province, staff to a library."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    province = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh/thành phố"),
    )
    library = models.ForeignKey(
        "registry.Library",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("thư viện"),
    )
    granted_at = models.DateTimeField(_("ngày cấp"), auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "province", "library"], name="accounts_role_unique"
            )
        ]

    def __str__(self) -> str:
        scope = self.library or self.province or _("toàn quốc")
        return f"{self.user} — {self.get_role_display()} ({scope})"

    def clean(self) -> None:
        if self.role == Role.PROVINCE_OFFICER and not self.province_id:
            raise ValidationError(
                {
                    "province": _(
                        "Cán bộ Sở cần gắn với một tỉnh / A province officer needs a province."
                    )
                }
            )
        if self.role == Role.LIBRARY_STAFF and not self.library_id:
            raise ValidationError(
                {"library": _("Cán bộ thư viện cần gắn với một thư viện / Staff need a library.")}
            )


class ApiToken(models.Model):
    """A bearer token for systems that write through the API; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
