"""Factories of Planning records. ``BoardFactory`` makes a board with three columns (To do, Doing, Done — the
last one ``is_done``) unless ``columns=[...]`` names others."""

from datetime import timedelta

import factory
from django.utils import timezone

from planning.models import Board, BoardMembership, ChecklistItem, Column, Comment, Event, Label, Task


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Board {n}")

    @factory.post_generation
    def columns(self, create, extracted, **kwargs):
        if not create:
            return
        names = extracted if extracted is not None else ["To do", "Doing", "Done"]
        for index, name in enumerate(names):
            Column.objects.create(board=self, name=name, position=index, is_done=(name == "Done"))


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column

    board = factory.SubFactory(BoardFactory, columns=[])
    name = factory.Sequence(lambda n: f"Column {n}")
    position = factory.Sequence(lambda n: n)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMembership

    board = factory.SubFactory(BoardFactory)
    role = BoardMembership.Role.EDITOR


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"label-{n}")


class TaskFactory(factory.django.DjangoModelFactory):
    """A task at the end of the board's first column (or of ``column=``)."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    board = factory.SubFactory(BoardFactory)
    column = factory.LazyAttribute(lambda o: o.board.columns.order_by("position", "pk").first())
    title = factory.Sequence(lambda n: f"Task {n}")
    position = factory.Sequence(lambda n: (n + 1) * (1 << 16))

    @factory.post_generation
    def assignees(self, create, extracted, **kwargs):
        if create and extracted:
            self.assignees.set(extracted)

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        if create and extracted:
            self.labels.set(extracted)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Event {n}")
    kind = Event.Kind.MEETING
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)

    @factory.post_generation
    def artists(self, create, extracted, **kwargs):
        if create and extracted:
            self.artists.set(extracted)


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    text = factory.Sequence(lambda n: f"Item {n}")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    task = factory.SubFactory(TaskFactory)
    body = "A comment"
