"""Words the statistics pages show for states, figure statuses and workflow steps, and
messages in the page's language."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thuvien.stats.models.reports import ValueStatus

# The model's labels, but for the draft state: the registry already translates "Đang nhập"
# as "Importing", and one msgid has one translation.
STATES = {
    "not_started": _("Chưa nhập"),
    "draft": _("Đang nhập số liệu"),
    "submitted": _("Đã gửi"),
    "returned": _("Bị trả lại"),
    "approved": _("Sở đã duyệt"),
    "certified": _("Bộ đã xác nhận"),
}

STATUSES = dict(ValueStatus.choices)

STEPS = {
    "start": _("Bắt đầu nhập số liệu"),
    "submit": _("Gửi báo cáo"),
    "return": _("Trả lại"),
    "approve": _("Duyệt"),
    "certify": _("Xác nhận"),
    "unlock": _("Mở khoá"),
}

PART_KINDS = {
    "part": _("(thành phần)"),
    "of_which": _("(trong đó)"),
}


def english() -> bool:
    return (get_language() or "vi").startswith("en")


def in_language(message: str) -> str:
    """A service's "vi / en" message in the page's language: the English part on English
    pages (capitalised), the whole message on Vietnamese pages (as the project writes them)."""
    if not english() or " / " not in message:
        return message
    part = message.split(" / ", 1)[1].strip()
    return part[:1].upper() + part[1:]


def bilingual(vi: str, en: str) -> str:
    """An error message written in both languages, as the services write theirs."""
    return in_language(f"{vi} / {en}")


def round_title(round_) -> str:
    """A round's title; on English pages the form's English name when the title is the
    default one (the form's name and the period)."""
    form = round_.form
    if english() and form.name_en and round_.title == f"{form.name} {round_.period}":
        return f"{form.name_en} {round_.period}"
    return round_.title
