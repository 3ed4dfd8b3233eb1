"""Planning's boards: what it registers with the shell (owned by helper BOARDS): the Kanban board spec
(``planning.kanban`` on core.boards, with its live group family ``board.planning.kanban.<pk>``)."""


def register() -> None:
    from planning.boards import register_boards

    register_boards()
