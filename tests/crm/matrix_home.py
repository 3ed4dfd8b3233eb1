"""Permission rows for the CRM's landing URL (the other CRM URLs: tests/crm/matrix_<feature>.py)."""

from tests.permission_matrix import Row, but, not_allowed, roles_ok

crm_readers = roles_ok("Viewer", "Producer", "Manager", "Admin")

ROWS = {
    # /crm/ sends readers to the artist list
    "crm:home": Row(roles_ok("Viewer", "Producer", "Manager", "Admin", ok="redirect"), post=not_allowed),
}
__all__ = ["ROWS", "but", "crm_readers"]
