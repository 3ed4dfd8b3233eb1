"""Planning's calendar: what it registers with the shell (owned by helper CALENDAR)."""


def register() -> None:
    pass
