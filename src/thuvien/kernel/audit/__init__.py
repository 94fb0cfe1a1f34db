"""The audit log: who changed what, when, with the state before and after."""

from thuvien.kernel.audit.log import record_change, snapshot

__all__ = ["record_change", "snapshot"]
