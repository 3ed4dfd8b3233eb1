"""Planning's events: what it registers with the shell (owned by helper EVENTS): the events in the global
search."""


def register() -> None:
    from planning import search

    search.register()
