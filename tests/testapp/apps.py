from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"

    def ready(self):
        forget_content_types_in_harness_subprocesses()


def forget_content_types_in_harness_subprocesses() -> None:
    """Transactional tests flush the database, and post_migrate recreates the content types with NEW ids; the
    harness subprocesses (daphne, Celery worker) outlive a test and would keep the old ids cached
    (ContentTypeManager's cache) -> foreign-key errors (audit target_type, notification content_type) in the
    next test. They forget the cache before each request / task. Only there: the test process clears its own
    cache after a flush, and its pinned query counts must not change."""
    from celery.signals import celeryd_init, task_prerun
    from django.contrib.contenttypes.models import ContentType
    from django.core.handlers.asgi import ASGIHandler
    from django.core.signals import request_started

    def forget(**kwargs) -> None:
        ContentType.objects.clear_cache()

    # ASGIHandler is what daphne serves; the test clients send request_started from other handler classes
    request_started.connect(forget, sender=ASGIHandler, weak=False, dispatch_uid="testapp-forget-ct-asgi")

    def in_worker(**kwargs) -> None:  # celeryd_init only fires in a `celery worker` process
        task_prerun.connect(forget, weak=False, dispatch_uid="testapp-forget-ct-task")

    celeryd_init.connect(in_worker, weak=False, dispatch_uid="testapp-forget-ct-worker")
