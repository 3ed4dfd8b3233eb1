"""Planning's boards: what it registers with the shell (owned by helper BOARDS)."""


def register() -> None:
    pass
