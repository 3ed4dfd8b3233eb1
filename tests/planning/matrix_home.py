"""Permission rows for Planning's landing URL (the other Planning URLs: tests/planning/matrix_<feature>.py)."""

from tests.permission_matrix import Row, not_allowed, roles_ok

planning_readers = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin")

ROWS = {
    "planning:home": Row(planning_readers, post=not_allowed),
}
