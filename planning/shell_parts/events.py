"""Planning's events: what it registers with the shell (owned by helper EVENTS)."""


def register() -> None:
    pass
