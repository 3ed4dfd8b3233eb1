"""Permission rows of Planning's reminder settings page (each person edits only their own settings)."""

from tests.permission_matrix import Row, roles_ok

planning_readers = roles_ok("Viewer", "Producer", "Streamer", "Manager", "Admin")

ROWS = {
    # empty body: the form comes back with its errors (the digest hour is required)
    "planning:reminder-settings": Row(planning_readers, post=planning_readers),
}
