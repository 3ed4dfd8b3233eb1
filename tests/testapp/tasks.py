from celery import shared_task


@shared_task(name="testapp.add")
def add(*, a: int, b: int) -> int:
    return a + b


@shared_task(name="testapp.fail")
def fail() -> None:
    raise ValueError("this task always fails")
