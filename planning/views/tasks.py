"""Planning pages: tasks (owned by helper TASKS)."""

urlpatterns: list = []
