"""Celery tasks that only the harness worker loads (`celery worker --include tests.harness.tasks`)."""

from celery import shared_task


@shared_task(ignore_result=False)  # the test reads its result
def harness_user_email_task(*, user_id: int) -> str | None:
    """Reads the test database from the worker: the e-mail of user `user_id`, or None."""
    from accounts.models import User

    return User.objects.filter(pk=user_id).values_list("email", flat=True).first()
