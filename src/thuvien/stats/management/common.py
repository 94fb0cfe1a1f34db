"""What the statistics commands share: the acting user and the job report."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management.base import CommandError


def acting_user(username: str | None):
    """The named user, or the first active superuser when none is named (the operator at
    the console); the audit log records whoever it is."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r} / no such user: {username!r}")
        return user
    user = users.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError(
            "Cần --user: chưa có tài khoản quản trị nào / --user is needed: there is no superuser"
        )
    return user


def report_lines(job) -> list[str]:
    """The import job's report as the console shows it."""
    report = job.report or {}
    if job.error:
        return [f"Lỗi / failed: {job.error}"]
    lines = [
        f"Dòng / rows: {report.get('rows', 0)}; nhập / imported: {report.get('imported', 0)} "
        f"(duyệt / approved {report.get('approved', 0)}, gửi / submitted "
        f"{report.get('submitted', 0)}); không đổi / unchanged: {report.get('unchanged', 0)}; "
        f"lỗi / rejected: {report.get('rejected', 0)}",
        f"Số liệu / figures: {report.get('values', 0)} (làm tròn / rounded "
        f"{report.get('rounded', 0)}); {report.get('seconds', 0)} s, "
        f"{report.get('rows_per_second') or 0} dòng/giây / rows per second",
    ]
    if report.get("error_file"):
        path = default_storage.path(report["error_file"])
        lines.append(f"Dòng lỗi / rejected rows: {path}")
    for error in report.get("first_errors", [])[:20]:
        column = f", cột / column «{error['column']}»" if error["column"] else ""
        lines.append(f"  dòng / row {error['row']}{column}: {error['message']}")
    if report.get("warned"):
        lines.append(
            f"Nhập nhưng cần xem lại / imported with warnings: {report['warned']} dòng / rows"
        )
    for warning in report.get("first_warnings", [])[:20]:
        column = f", cột / column «{warning['column']}»" if warning["column"] else ""
        lines.append(f"  ~ dòng / row {warning['row']}{column}: {warning['message']}")
    return lines
