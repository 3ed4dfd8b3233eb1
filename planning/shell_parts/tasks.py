"""Planning's tasks: what it registers with the shell (owned by helper TASKS)."""


def register() -> None:
    pass
