"""The review steps of a report: return with a comment, approve, certify, unlock with a
reason. Each button posts here; the workflow service checks permission and state."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from thuvien.stats import selectors
from thuvien.stats.services import workflow
from thuvien.stats.views import labels
from thuvien.stats.views.report import render_report

# URL word -> (step, service, message when done)
STEPS = {
    "tra-lai": ("return", workflow.return_report, _("Đã trả lại báo cáo cho thư viện.")),
    "duyet": ("approve", workflow.approve, _("Đã duyệt báo cáo; số liệu đã vào bảng tổng hợp.")),
    "xac-nhan": ("certify", workflow.certify, _("Đã xác nhận báo cáo.")),
    "mo-khoa": ("unlock", workflow.unlock, _("Đã mở khoá báo cáo; thư viện có thể sửa lại.")),
}


@login_required
@require_POST
def take_step(request, pk: int, step: str):
    if step not in STEPS:
        raise Http404
    name, service, done = STEPS[step]
    submission = selectors.report_for(request.user, pk)
    comment = request.POST.get("comment", "").strip()
    try:
        service(request.user, submission, comment)
    except workflow.WorkflowError as exc:
        submission.refresh_from_db()
        return render_report(
            request,
            submission,
            action_error=labels.in_language(str(exc)),
            open_step=name,
            comment=comment,
        )
    messages.success(request, done)
    return redirect("stats:report", submission.pk)
