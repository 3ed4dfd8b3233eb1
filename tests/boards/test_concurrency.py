"""Concurrent moves on a real, committed database with real threads (each its own connection and transaction):
nothing is lost, nothing deadlocks, every column ends in one total order, and that order is exactly what the
newest live frame of the column announced. Frames are read back from the real (Redis) channel layer."""

import random
import threading
from collections import defaultdict

import pytest
from django.db import connections

from core.boards import services
from core.boards.exceptions import StaleMove
from crm.models import Deal, Stage
from tests.boards.helpers import SPEC, fill, order, stages
from tests.factories import UserFactory
from tests.live.helpers import GroupListener

pytestmark = pytest.mark.usefixtures("live_db", "clean_channel_layer")


def run_threads(count: int, work) -> list:
    """Run ``work(index)`` in ``count`` threads released at the same instant; their results, in index order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def frames_by_column(frames: list[dict]) -> dict[int, list[tuple[int, list[int], int | None]]]:
    """{column id: [(version, order, card id), …] sorted by version}."""
    columns = defaultdict(list)
    for frame in frames:
        assert frame["event"] == "board.changed"
        card = frame["data"]["card"]
        for column in frame["data"]["columns"]:
            columns[column["id"]].append((column["version"], column["order"], card and card["id"]))
    return {pk: sorted(entries) for pk, entries in columns.items()}


def test_two_people_moving_cards_in_the_same_column_at_once_both_succeed(make_user):
    lead = stages()["Lead"]
    a, b, c, d, e, f = fill(lead, 6)
    léa, marc = make_user("Manager"), make_user("Admin")
    moves = [(léa, a, d, e), (marc, f, b, c)]  # a after d; f right after b

    with GroupListener(SPEC.group(lead.pipeline_id)) as listener:
        outcomes = run_threads(
            2,
            lambda i: services.card_move(
                spec=SPEC,
                card_id=moves[i][1].pk,
                board_id=lead.pipeline_id,
                to_column_id=lead.pk,
                after_id=moves[i][2].pk,
                before_id=moves[i][3].pk,
                by=moves[i][0],
            ),
        )
        frames = listener.messages(wait=1)

    final = [b.pk, f.pk, c.pk, d.pk, a.pk, e.pk]  # the same whichever move went first
    assert order(lead) == final
    assert all(outcome.changed for outcome in outcomes)
    (entries,) = frames_by_column(frames).values()
    assert [version for version, _order, _card in entries] == [1, 2]
    assert entries[-1][1] == final  # the newest frame is the truth every browser ends with
    assert Stage.objects.get(pk=lead.pk).version == 2


def test_many_concurrent_moves_within_and_across_columns_lose_nothing():
    board = stages()
    columns = [board["Lead"], board["Qualified"], board["Proposal"]]
    ids = [deal.pk for column in columns for deal in fill(column, 10)]
    # crowd the positions so moves run out of room and renumber a column while others wait on its lock
    for index, pk in enumerate(ids):
        Deal.objects.filter(pk=pk).update(position=index)
    # six people at once: the test process's pool holds 8 connections, one is the test's own
    people = [UserFactory(roles=["Manager"]) for _ in range(6)]
    moves_per_person = 20

    def work(index: int) -> list[tuple]:
        rng = random.Random(index)
        done = []
        for _ in range(moves_per_person):
            card = rng.choice(ids)
            target = rng.choice(columns)
            seen = [pk for pk in order(target) if pk != card]  # what this browser shows: may be stale already
            at = rng.randint(0, len(seen))
            after = seen[at - 1] if at > 0 else None
            before = seen[at] if at < len(seen) else None
            try:
                outcome = services.card_move(
                    spec=SPEC,
                    card_id=card,
                    board_id=target.pipeline_id,
                    to_column_id=target.pk,
                    after_id=after,
                    before_id=before,
                    by=people[index],
                )
            except StaleMove:
                done.append(("stale", card, target.pk, after, before, None))
                continue
            done.append(("ok", card, target.pk, after, before, outcome))
        return done

    with GroupListener(SPEC.group(columns[0].pipeline_id)) as listener:
        results = [entry for person in run_threads(len(people), work) for entry in person]
        frames = listener.messages(wait=1.5)

    succeeded = [r for r in results if r[0] == "ok"]
    assert len(succeeded) >= len(results) * 0.7, "most moves must go through"

    # 1. no card lost or duplicated: every deal is in exactly one of the columns
    final = {column.pk: order(column) for column in columns}
    assert sorted(pk for column_order in final.values() for pk in column_order) == sorted(ids)

    # 2. each move placed its card next to its anchor, in the order it saw under the locks
    for _status, card, target, after, before, outcome in succeeded:
        placed = {c["id"]: c["order"] for c in outcome.data["columns"]}[target]
        index = placed.index(card)
        if after is not None and after in placed and outcome.changed:
            assert placed[index - 1] == after
        elif before is not None and before in placed and outcome.changed:
            assert placed[index + 1] == before

    # 3. per column: one frame per change, versions without gaps or duplicates, each step changes only the
    #    moved card's place (no lost update), and the newest frame is exactly the final order
    changed = [r for r in succeeded if r[5].changed]
    assert len(frames) == len(changed)
    by_column = frames_by_column(frames)
    for column in columns:
        entries = by_column.get(column.pk, [])
        versions = [version for version, _order, _card in entries]
        assert versions == list(range(1, len(entries) + 1))
        assert Stage.objects.get(pk=column.pk).version == len(entries)
        previous = None
        for _version, column_order, card in entries:
            if previous is not None:
                assert [pk for pk in previous if pk != card] == [pk for pk in column_order if pk != card]
            previous = column_order
        if entries:
            assert entries[-1][1] == final[column.pk]


def test_moves_in_opposite_directions_never_deadlock():
    board = stages()
    lead, proposal = board["Lead"], board["Proposal"]
    left, right = fill(lead, 6), fill(proposal, 6)
    people = [UserFactory(roles=["Manager"]) for _ in range(2)]

    def work(index: int) -> int:
        cards, target = (left, proposal) if index == 0 else (right, lead)
        for card in cards:
            services.card_move(
                spec=SPEC,
                card_id=card.pk,
                board_id=lead.pipeline_id,
                to_column_id=target.pk,
                by=people[index],
            )
        return len(cards)

    assert run_threads(2, work) == [6, 6]
    assert set(order(lead)) == {d.pk for d in right}
    assert set(order(proposal)) == {d.pk for d in left}
