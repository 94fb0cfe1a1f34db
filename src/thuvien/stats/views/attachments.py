"""Supporting documents of a report: uploaded by those who fill it in while it can be
changed, downloaded by whoever may see the report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thuvien.accounts.permissions import Action, Target, require
from thuvien.kernel.audit.log import record_change
from thuvien.stats import selectors
from thuvien.stats.forms import AttachmentForm
from thuvien.stats.models import Attachment
from thuvien.stats.models.reports import EDITABLE_STATES
from thuvien.stats.services.workflow import WorkflowError
from thuvien.stats.views import labels
from thuvien.stats.views.report import render_report


def store_attachment(user, submission, upload) -> Attachment:
    """Keep the file with the report (same permission and state as changing a figure)."""
    require(user, Action.STATS_FILL, Target.for_library(submission.library))
    if submission.state not in EDITABLE_STATES or submission.round.closed:
        raise WorkflowError(
            "Báo cáo không sửa được nên không đính kèm được tệp / "
            "the report cannot be changed, so no file can be attached"
        )
    attachment = Attachment.objects.create(
        submission=submission, file=upload, name=upload.name[:255], uploaded_by=user
    )
    record_change(user, "stats.attach", submission, after={"attachment": attachment.name})
    return attachment


@login_required
@require_POST
def upload(request, pk: int):
    submission = selectors.report_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_report(request, submission, attachment_form=form)
    try:
        store_attachment(request.user, submission, form.cleaned_data["file"])
    except WorkflowError as exc:
        form.add_error("file", labels.in_language(str(exc)))
        return render_report(request, submission, attachment_form=form)
    messages.success(request, _("Đã đính kèm tệp."))
    return redirect("stats:report", submission.pk)


@login_required
def download(request, pk: int, attachment_pk: int):
    submission = selectors.report_for(request.user, pk)
    attachment = get_object_or_404(Attachment, submission=submission, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # Sent as a download, never shown inline: an uploaded file is not trusted content.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
