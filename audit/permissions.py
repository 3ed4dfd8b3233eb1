from accounts.permissions import can_view_audit

__all__ = ["can_view_audit"]
