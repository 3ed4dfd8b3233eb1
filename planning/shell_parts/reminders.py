"""Planning's reminders: what it registers with the shell (owned by helper REMINDERS)."""


def register() -> None:
    pass
