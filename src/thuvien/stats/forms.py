"""Reading what people type on the statistics pages: figures, list filters, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thuvien.stats.definitions import NUMERIC, ElementSpec
from thuvien.stats.models.reports import SubmissionState
from thuvien.stats.validation import STATUSES, Entered, parse_number
from thuvien.stats.views.labels import STATES, bilingual, round_title

# Value.number holds 20 digits, 4 after the point: a larger figure cannot be stored.
LARGEST = Decimal(10) ** 16
METHOD_LENGTH = 255
TEXT_LENGTH = 10_000


def field_name(kind: str, code: str) -> str:
    """The input names of one figure: v- value, s- status, m- estimate method, n- note."""
    return f"{kind}-{code}"


@dataclass(frozen=True)
class Typed:
    """One figure as posted: what it means (None when it cannot be read), what was typed
    (to show it back), and why it was refused."""

    entered: Entered | None
    raw: str
    error: str = ""


def read_figure(element: ElementSpec, data) -> Typed:
    code = element.code
    raw = _raw_value(element, data)
    status = data.get(field_name("s", code), "reported") or "reported"
    method = data.get(field_name("m", code), "").strip() if status == "estimated" else ""
    note = data.get(field_name("n", code), "").strip()
    if status not in STATUSES:
        return Typed(None, raw, bilingual("Trạng thái không hợp lệ", "invalid status"))
    if len(method) > METHOD_LENGTH or len(raw) > TEXT_LENGTH or len(note) > TEXT_LENGTH:
        return Typed(None, raw, bilingual("Nội dung quá dài", "the text is too long"))
    number, text = None, ""
    if element.value_type in NUMERIC or element.value_type == "boolean":
        number, error = _number(raw)
        if error:
            return Typed(None, raw, error)
    else:
        text = raw
    return Typed(Entered(number, text, status, method, note), raw)


def _raw_value(element: ElementSpec, data) -> str:
    name = field_name("v", element.code)
    if element.value_type == "multi_choice":
        return "|".join(v for v in data.getlist(name) if v)
    return data.get(name, "").strip()


def _number(raw: str) -> tuple[Decimal | None, str]:
    if not raw:
        return None, ""
    try:
        number = parse_number(raw)
    except ValueError:
        return None, bilingual(
            f"«{raw}» không phải là số: gõ số như 1.234.567 hoặc 12,5",
            f"«{raw}» is not a number: type it the Vietnamese way, as 1.234.567 or 12,5",
        )
    if abs(number) >= LARGEST:
        return None, bilingual("Số quá lớn", "the number is too large")
    return number, ""


class ReportFilterForm(forms.Form):
    """The filters of the report list (the review queue of a province office)."""

    round = forms.TypedChoiceField(
        label=gettext_lazy("Đợt báo cáo"), coerce=int, required=False, empty_value=None
    )
    state = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False)
    province = forms.TypedChoiceField(
        label=gettext_lazy("Tỉnh/thành phố"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, rounds=(), provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", _("Tất cả các đợt"))] + [
            (r.pk, round_title(r)) for r in rounds
        ]
        self.fields["state"].choices = [("", _("Mọi trạng thái"))] + [
            (s, STATES[s]) for s in SubmissionState.values
        ]
        if provinces:
            self.fields["province"].choices = [("", _("Cả nước"))] + [
                (p.pk, p.name) for p in provinces
            ]
        else:
            del self.fields["province"]


# Attachments: supporting documents of a report (minutes, scanned signed tables, workbooks).
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".xlsx": _ZIP,
    ".docx": _ZIP,
    ".ods": _ZIP,
    ".odt": _ZIP,
    ".xls": _OLE,
    ".doc": _OLE,
    ".csv": None,  # text: checked for NUL bytes instead
    ".txt": None,
}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp đính kèm"),
        help_text=gettext_lazy("PDF, ảnh, Excel, Word, ODF, CSV; tối đa 20 MB"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in SIGNATURES:
            raise forms.ValidationError(
                bilingual(
                    f"Tệp {upload.name}: chỉ nhận PDF, ảnh PNG/JPEG, Excel, Word, ODF, CSV, TXT",
                    f"file {upload.name}: only PDF, PNG/JPEG images, Excel, Word, ODF, CSV, TXT",
                )
            )
        limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(
                bilingual(
                    f"Tệp {upload.name} lớn hơn {limit} MB",
                    f"file {upload.name} is larger than {limit} MB",
                )
            )
        if not _content_matches(upload, SIGNATURES[suffix]):
            raise forms.ValidationError(
                bilingual(
                    f"Nội dung tệp {upload.name} không đúng loại {suffix}",
                    f"the content of {upload.name} is not a {suffix} file",
                )
            )
        return upload


def _content_matches(upload, signatures: tuple[bytes, ...] | None) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if signatures is None:
        return b"\x00" not in head
    return any(head.startswith(s) for s in signatures)
