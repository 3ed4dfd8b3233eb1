"""Planning in the back office: every model, with history on tasks and events.

Saves go through Planning's services, as on the website, so the audit trail, WIP limits, done columns, live
boards and calendars stay right whatever the screen: boards (with their columns and members as inlines),
columns, tasks (a new column is the board's move; checklist, comments, attachments and links as inlines),
events (with their checklist), checklist items, comments, attachments, links, reminder settings. What the
system writes is read-only here (reminders sent, calendar feeds: delete one to revoke it).

Columns are added to a board once it exists (it starts with To do / Doing / Done); a column that still holds
tasks is deleted from the board's page, which asks where they go.
"""

from . import boards, events, reminders, tasks  # noqa: F401  (each registers its model admins)
