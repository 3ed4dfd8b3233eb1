"""Score inputs change → a recomputation queued after the commit (de-duplicated); the tasks; the nightly run."""

import time

import pytest
from celery.schedules import crontab
from django.core.cache import cache
from django.db import transaction

from crm import receivers, tasks
from crm.models import Artist
from crm.services import records
from crm.signals import score_inputs_changed
from tests.crm.factories import ArtistFactory
from tests.crm.scoring.conftest import grown_artist


@pytest.fixture
def manager(make_user):
    return make_user("Manager")


@pytest.mark.django_db
def test_a_service_change_queues_one_recomputation_after_the_commit(
    manager, queued, django_capture_on_commit_callbacks
):
    artist = ArtistFactory()
    with django_capture_on_commit_callbacks(execute=True):
        records.artist_update(artist=artist, by=manager, bio="A new biography, long enough to count.")
        assert queued["one"] == []  # nothing before the commit
    assert queued["one"] == [[artist.pk]]


@pytest.mark.django_db
def test_changes_in_one_transaction_queue_one_task_for_all_artists(
    manager, queued, django_capture_on_commit_callbacks
):
    first, second = ArtistFactory(), ArtistFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        score_inputs_changed.send(sender=Artist, artist_ids=[first.pk])
        score_inputs_changed.send(sender=Artist, artist_ids=[second.pk, first.pk])
        score_inputs_changed.send(sender=Artist, artist_ids=[second.pk])
    assert queued["one"] == [[first.pk, second.pk]]


@pytest.mark.django_db
def test_a_change_rolled_back_queues_nothing(queued, django_capture_on_commit_callbacks):
    artist = ArtistFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            score_inputs_changed.send(sender=Artist, artist_ids=[artist.pk])
            raise RuntimeError("undo")
        with transaction.atomic():  # the next transaction starts a new batch
            score_inputs_changed.send(sender=Artist, artist_ids=[artist.pk + 1])
    assert queued["one"] == [[artist.pk + 1]]


@pytest.mark.django_db
def test_an_artist_already_waiting_in_the_queue_is_not_queued_again(queued, monkeypatch):
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)  # as after a real commit
    score_inputs_changed.send(sender=Artist, artist_ids=[1, 2])
    score_inputs_changed.send(sender=Artist, artist_ids=[2, 3])
    assert queued["one"] == [[1, 2], [3]]

    receivers.score_pending_clear([1, 2])  # what the task does when it starts
    score_inputs_changed.send(sender=Artist, artist_ids=[1, 2, 3])
    assert queued["one"] == [[1, 2], [3], [1, 2]]


@pytest.mark.django_db
def test_big_sets_are_queued_in_chunks_without_the_per_artist_check(queued, monkeypatch):
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)
    monkeypatch.setattr(receivers, "TASK_CHUNK", 100)
    ids = list(range(1, 251))
    score_inputs_changed.send(sender=Artist, artist_ids=ids)
    assert [len(chunk) for chunk in queued["one"]] == [100, 100, 50]
    assert cache.get(receivers._pending_key(1)) is None


@pytest.mark.django_db
def test_a_broker_failure_is_logged_and_leaves_the_artist_free_to_queue_again(monkeypatch, caplog):
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)

    def down(**kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.artist_score_recompute_task, "delay", down)
    score_inputs_changed.send(sender=Artist, artist_ids=[7])
    assert "nightly" in caplog.text
    assert cache.get(receivers._pending_key(7)) is None


@pytest.mark.django_db
def test_the_task_clears_the_pending_keys_and_recomputes():
    artist = grown_artist()
    cache.set(receivers._pending_key(artist.pk), 1)
    assert tasks.artist_score_recompute_task.run(artist_ids=[artist.pk]) == 1
    assert cache.get(receivers._pending_key(artist.pk)) is None
    assert Artist.objects.get(pk=artist.pk).score_updated_at is not None


@pytest.mark.django_db
def test_the_nightly_task_recomputes_every_artist():
    ArtistFactory.create_batch(3)
    assert tasks.artist_score_recompute_all_task.run() == 3
    assert not Artist.objects.filter(score_updated_at__isnull=True).exists()


def test_the_nightly_recomputation_is_scheduled():
    from config.celery import app

    entry = app.conf.beat_schedule["crm-artist-score-recompute-all"]
    assert entry["task"] == "crm.tasks.artist_score_recompute_all_task"
    assert entry["schedule"] == crontab(hour=2, minute=30)
    assert entry["task"] in app.tasks


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_the_score_after_a_change(celery_worker, make_user):
    manager = make_user("Manager")
    artist = records.artist_create(
        by=manager, stage_name="Worker Test", email="worker@example.com", country="FR"
    )
    # artist_create committed: score_inputs_changed → receiver → task → the worker's own connection
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        artist.refresh_from_db()
        if artist.score_updated_at is not None:
            break
        time.sleep(0.2)
    assert artist.score_updated_at is not None, "the worker did not recompute the score"
    criteria = {c["key"]: c for c in artist.score_breakdown["criteria"]}
    assert criteria["completeness"]["raw"] == 2  # e-mail and country
