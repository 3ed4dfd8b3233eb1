"""Celery application. Every periodic schedule lives in ``beat_schedule`` below."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("mona_spark")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # every minute: re-send notification e-mails whose first attempt could not be queued (Redis down, worker lost)
    "notifications-email-sweep": {
        "task": "notifications.tasks.notification_email_sweep_task",
        "schedule": crontab(minute="*"),
    },
    # 03:15 every night: drop audit entries older than AUDIT_RETENTION_DAYS
    "audit-prune": {
        "task": "audit.tasks.audit_prune_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # 02:30 every night: recompute every artist's score (interactions age, new audience snapshots)
    "crm-artist-score-recompute-all": {
        "task": "crm.tasks.artist_score_recompute_all_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # every minute: Planning's deadline and event reminders now due (each sent once: planning.services.reminders)
    "planning-reminders": {
        "task": "planning.tasks.reminders_due_task",
        "schedule": crontab(minute="*"),
    },
    # every 15 minutes: Planning's daily digests of overdue tasks, at each person's hour in their time zone
    "planning-digest": {
        "task": "planning.tasks.digest_due_task",
        "schedule": crontab(minute="*/15"),
    },
}
