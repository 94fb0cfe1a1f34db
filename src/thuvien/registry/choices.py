"""Controlled vocabularies of the registry (Luật Thư viện 2019, NĐ 93/2020, TT 01/2020)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LibraryType(models.TextChoices):
    """The eight types of Luật Thư viện 2019, Điều 9."""

    NATIONAL = "national", _("Thư viện quốc gia")
    PUBLIC = "public", _("Thư viện công cộng")
    SPECIALISED = "specialised", _("Thư viện chuyên ngành")
    ARMED_FORCES = "armed_forces", _("Thư viện lực lượng vũ trang nhân dân")
    UNIVERSITY = "university", _("Thư viện cơ sở giáo dục đại học")
    SCHOOL = "school", _("Thư viện cơ sở giáo dục mầm non, phổ thông, nghề nghiệp và khác")
    COMMUNITY = "community", _("Thư viện cộng đồng và thư viện tư nhân có phục vụ cộng đồng")
    FOREIGN = "foreign", _("Thư viện của tổ chức, cá nhân nước ngoài có phục vụ người Việt Nam")


class PublicLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Công lập")
    NON_PUBLIC = "non_public", _("Ngoài công lập")


class Status(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Tạm ngừng hoạt động")
    MERGED = "merged", _("Đã sáp nhập / hợp nhất")
    SPLIT = "split", _("Đã chia")
    DISSOLVED = "dissolved", _("Đã giải thể / chấm dứt hoạt động")


CLOSED_STATUSES = {Status.MERGED, Status.SPLIT, Status.DISSOLVED}


class Service(models.TextChoices):
    LENDING = "lending", _("Mượn về nhà")
    READING_ROOM = "reading_room", _("Đọc tại chỗ")
    REFERENCE = "reference", _("Tra cứu, tư vấn thông tin")
    DIGITAL = "digital", _("Tài nguyên số, thư viện số")
    INTERNET = "internet", _("Truy cập Internet")
    CHILDREN = "children", _("Phục vụ thiếu nhi")
    MOBILE = "mobile", _("Thư viện lưu động")
    INTERLIBRARY = "interlibrary", _("Mượn liên thư viện")
    EVENTS = "events", _("Sự kiện, văn hóa đọc")
    ACCESSIBLE = "accessible", _("Phục vụ người khuyết tật")
    COPYING = "copying", _("Sao chụp tài liệu")


class EventKind(models.TextChoices):
    """Lifecycle events, after the notification templates of TT 01/2020 (amended by TT 13/2023)."""

    ESTABLISH = "establish", _("Thành lập")
    MERGE = "merge", _("Sáp nhập")
    CONSOLIDATE = "consolidate", _("Hợp nhất")
    SPLIT = "split", _("Chia")
    SEPARATE = "separate", _("Tách")
    DISSOLVE = "dissolve", _("Giải thể")
    CEASE = "cease", _("Chấm dứt hoạt động")
    RENAME = "rename", _("Đổi tên")
    MOVE = "move", _("Chuyển địa điểm")
    REPARENT = "reparent", _("Thay đổi cơ quan chủ quản / thư viện mẹ")
    SUSPEND = "suspend", _("Tạm ngừng hoạt động")
    RESUME = "resume", _("Hoạt động trở lại")


class EventRole(models.TextChoices):
    SUBJECT = "subject", _("Thư viện liên quan")
    PREDECESSOR = "predecessor", _("Thư viện trước")
    SUCCESSOR = "successor", _("Thư viện kế thừa")


class NameKind(models.TextChoices):
    FORMER = "former", _("Tên cũ")
    VARIANT = "variant", _("Tên khác")
    ABBREVIATION = "abbreviation", _("Tên viết tắt")
    TRANSLATION = "translation", _("Tên dịch")
