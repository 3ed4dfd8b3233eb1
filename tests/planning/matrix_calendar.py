"""Permission rows for the calendar (planning/views/calendar.py): everyone in planning reads the page and the
feed (the feed without a range is bad input: 400 once allowed); moving needs a role that may move some source
(Producer, Manager, Admin; their empty body is then bad input: 400)."""

from tests.permission_matrix import Row, not_allowed, roles_ok

readers = ("Viewer", "Producer", "Streamer", "Manager", "Admin")

ROWS = {
    "planning:calendar": Row(roles_ok(*readers), post=not_allowed),
    "planning:calendar-feed": Row(roles_ok(*readers, ok=400), post=not_allowed),
    "planning:calendar-move": Row(not_allowed, post=roles_ok("Producer", "Manager", "Admin", ok=400)),
}
