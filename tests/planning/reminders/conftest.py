import pytest

from planning.shell_parts import reminders as reminders_part


@pytest.fixture(autouse=True)
def reminder_kinds():
    """The kinds are registered by the shell at start-up; make sure they are (idempotent)."""
    reminders_part.register()
