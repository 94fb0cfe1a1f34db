from thuvien.kernel.audit.models import AuditEntry

__all__ = ["AuditEntry"]
