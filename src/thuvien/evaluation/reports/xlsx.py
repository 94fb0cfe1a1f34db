"""Evaluation reports as XLSX workbooks (openpyxl): one library's evaluation, and a round
(an evaluating body's report) with every library's score, rating, rank and indicators.
Numbers are written as numbers, so the sheets can be computed on."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from thuvien.evaluation import presenting
from thuvien.evaluation.models import EvaluationRound, LibraryEvaluation

BOLD = Font(bold=True)


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for index, _head in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 14 if index > 2 else 40
    sheet.freeze_panes = "B2"
    return sheet


def _number(value):
    return None if value is None else float(value)


def library_workbook(evaluation: LibraryEvaluation) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    labels = presenting.rating_labels(evaluation.round)
    facts = [
        [_("Thư viện"), evaluation.library.name],
        [_("Mã định danh"), evaluation.library.vn_id],
        [_("Đợt đánh giá"), evaluation.round.title],
        [_("Năm đánh giá"), evaluation.round.year],
        [_("Điểm (tính từ số liệu)"), _number(evaluation.score)],
        [_("Xếp loại (tính từ số liệu)"), labels.get(evaluation.rating, "")],
        [_("Thứ hạng trong nhóm"), evaluation.rank],
        [_("Số thư viện trong nhóm"), evaluation.peer_count],
        [_("Thư viện tự xếp loại"), labels.get(evaluation.proposed_rating, "")],
        [_("Xếp loại kết luận"), labels.get(evaluation.final_rating, "")],
        [_("Điểm kết luận"), _number(evaluation.final_score)],
    ]
    _sheet(workbook, _("Tổng hợp"), [_("Mục"), _("Giá trị")], facts)
    header = [
        _("Mã"), _("Chỉ số"), _("Công thức"), _("Giá trị"), _("Đơn vị"), _("Xếp loại"),
        _("Thứ hạng"), _("Trung vị nhóm"), _("Số liệu đầu vào"), _("Lý do không tính được"),
        _("Thư viện tự xếp loại"), _("Ý kiến của thư viện"), _("Xếp loại kết luận"),
        _("Ý kiến của cơ quan đánh giá"),
    ]  # fmt: skip
    rows = [
        [
            r.code,
            r.name,
            r.formula,
            _number(r.raw_value),
            r.unit,
            r.rating,
            r.rank,
            _number(r.raw_median),
            "; ".join(f"{c} = {v}" for c, v in r.inputs),
            r.problem,
            r.proposed,
            r.self_comment,
            r.final,
            r.review_comment,
        ]
        for r in presenting.indicator_rows(evaluation)
    ]
    _sheet(workbook, _("Chỉ số"), header, rows)
    return _bytes(workbook)


def round_workbook(round_: EvaluationRound, evaluations: list[LibraryEvaluation]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    heads = presenting.indicator_heads(round_)
    lines = presenting.summaries(round_, evaluations)
    header = [
        _("Thư viện"), _("Tỉnh/thành phố"), _("Nhóm so sánh"), _("Trạng thái"),
        _("Điểm (tính từ số liệu)"), _("Xếp loại (tính từ số liệu)"), _("Thứ hạng"),
        _("Tỉ lệ trọng số có số liệu"), _("Thư viện tự xếp loại"), _("Xếp loại kết luận"),
    ]  # fmt: skip
    rows = [
        [
            s.name,
            s.province,
            presenting.peer_label(s.evaluation),
            s.state,
            _number(s.evaluation.score),
            s.rating,
            s.rank,
            _number(s.evaluation.weight_share),
            s.proposed,
            s.final,
        ]
        for s in lines
    ]
    _sheet(workbook, _("Xếp hạng"), header, rows)
    values = _values(evaluations)
    header = [_("Thư viện"), _("Nhóm so sánh")]
    for head in heads:
        header += [f"{head['code']}. {head['name']} ({head['unit']})", _("Thứ hạng")]
    rows = []
    for s in lines:
        row = [s.name, presenting.peer_label(s.evaluation)]
        for head in heads:
            value, rank = values.get((s.evaluation.pk, head["code"]), (None, None))
            row += [_number(value), rank]
        rows.append(row)
    _sheet(workbook, _("Chỉ số"), header, rows)
    return _bytes(workbook)


def _values(evaluations) -> dict:
    from thuvien.evaluation.models import IndicatorResult

    rows = IndicatorResult.objects.filter(evaluation__in=evaluations).values_list(
        "evaluation_id", "indicator__code", "value", "rank"
    )
    return {(e, code): (value, rank) for e, code, value, rank in rows}


def _bytes(workbook: Workbook) -> bytes:
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
