from smtplib import SMTPException

from celery import shared_task


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5, soft_time_limit=60)
def user_send_invitation_task(*, user_id: int) -> None:
    from accounts.models import User
    from accounts.services import user_send_invitation  # local import avoids a service<->task cycle

    user = User.objects.filter(pk=user_id).select_related("invited_by").first()
    if user is not None:  # it may have been deleted before we ran
        user_send_invitation(user=user)
