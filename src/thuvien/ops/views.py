from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from thuvien.accounts.permissions import Action, has_perm
from thuvien.ops.models import Job


def health(request):
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # report, never raise: this endpoint must answer
        database = f"error: {exc.__class__.__name__}"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )


def _visible_jobs(user):
    if has_perm(user, Action.JOBS_VIEW_ALL):
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


@login_required
def job_list(request):
    jobs = _visible_jobs(request.user).select_related("created_by")[:100]
    return render(request, "ops/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job, pk=pk)
    if job.created_by_id != request.user.pk and not has_perm(request.user, Action.JOBS_VIEW_ALL):
        raise PermissionDenied(_("Bạn không được xem công việc này."))
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(
            {
                "id": str(job.pk),
                "status": job.status,
                "done": job.done,
                "total": job.total,
                "message": job.message,
                "report": job.report,
                "error": job.error,
            }
        )
    template = "ops/_job_status.html" if request.headers.get("HX-Request") else "ops/job.html"
    return render(request, template, {"job": job})
