"""Writes of the CRM's records: artists, sponsors, contacts, campaigns, deals, interactions, audience snapshots.

Every function is keyword-only, atomic, validates with ``full_clean()`` (raising a field-keyed
``ValidationError``), writes the audit trail, and leaves side effects to after the commit. Many-to-many fields
(``genres``, ``tags``, ``managers``, ``artists``, ``participants``, ``people``…) take iterables of objects or
primary keys. A change to anything an artist's score depends on sends ``crm.signals.score_inputs_changed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from crm import normalize
from crm.models import (
    Artist,
    AudienceSnapshot,
    Campaign,
    Contact,
    Deal,
    Interaction,
    Pipeline,
    SocialProfile,
    Sponsor,
    Stage,
)
from crm.signals import score_inputs_changed

POSITION_GAP = 1 << 16

M2M_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Artist: ("genres", "tags", "managers"),
    Sponsor: ("target_genres", "tags"),
    Contact: ("tags",),
    Campaign: (),
    Deal: ("artists", "tags"),
}


# --- the generic part ----------------------------------------------------------------------------------


def _split_m2m(model: type[models.Model], fields: dict[str, Any]) -> dict[str, list]:
    return {name: list(fields.pop(name)) for name in M2M_FIELDS.get(model, ()) if name in fields}


def _check_fields(model: type[models.Model], fields: dict[str, Any]) -> None:
    known = {f.name for f in model._meta.get_fields()} | {f.attname for f in model._meta.concrete_fields}
    unknown = set(fields) - known
    if unknown:
        raise TypeError(f"{model.__name__} has no field(s) {sorted(unknown)}")


def _normalise(instance: models.Model) -> None:
    if isinstance(instance, Artist):
        instance.normalized_name = normalize.normalize_name(instance.stage_name)
        instance.aliases = [a.strip() for a in instance.aliases if a and a.strip()]
    elif isinstance(instance, Sponsor):
        instance.normalized_name = normalize.normalize_name(instance.name)
    elif isinstance(instance, Contact):
        instance.normalized_name = normalize.normalize_name(instance.full_name)
        instance.email = instance.email.strip()


def _audit_data(fields: dict[str, Any], m2m: dict[str, list]) -> dict[str, Any]:
    data = {name: str(value) for name, value in fields.items() if name not in ("photo",)}
    data.update({name: [getattr(v, "pk", v) for v in values] for name, values in m2m.items()})
    return data


def _create(model: type[models.Model], *, by: Any, action: str, fields: dict[str, Any]) -> Any:
    _check_fields(model, fields)
    m2m = _split_m2m(model, fields)
    instance = model(**fields)
    _normalise(instance)
    instance.full_clean()
    instance.save()
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    audit_record(action=action, actor=by, target=instance, data=_audit_data(fields, m2m))
    return instance


# fields the services derive from others: saved whenever one of their sources is
DERIVED_FROM = {"normalized_name": ("stage_name", "name", "first_name", "last_name")}


def _update(instance: models.Model, *, by: Any, action: str, fields: dict[str, Any]) -> Any:
    """Save only what changed (plus what derives from it): a concurrent board move of the same deal (stage,
    position, closed_at) or a score recompute is never overwritten by an edit made from an older page."""
    model = type(instance)
    _check_fields(model, fields)
    m2m = _split_m2m(model, fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    _normalise(instance)
    instance.full_clean()
    concrete = model._meta.concrete_fields
    update_fields = {f.name for f in concrete if f.name in fields or f.attname in fields}
    for derived, sources in DERIVED_FROM.items():
        if any(source in fields for source in sources) and any(f.name == derived for f in concrete):
            update_fields.add(derived)
    if update_fields and any(f.name == "updated_at" for f in concrete):
        update_fields.add("updated_at")
    if update_fields:
        instance.save(update_fields=sorted(update_fields))
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    audit_record(action=action, actor=by, target=instance, data=_audit_data(fields, m2m))
    return instance


def _delete(instance: models.Model, *, by: Any, action: str) -> None:
    audit_record(action=action, actor=by, target=instance, data={"name": str(instance)})
    instance.delete()


def _score_changed(artist_ids: Iterable[int]) -> None:
    ids = sorted({pk for pk in artist_ids if pk})
    if ids:
        transaction.on_commit(lambda: score_inputs_changed.send(sender=Artist, artist_ids=ids))


# --- artists -------------------------------------------------------------------------------------------


@transaction.atomic
def artist_create(*, by: Any, socials: Iterable[dict] = (), **fields: Any) -> Artist:
    """``socials``: ``[{"platform": "instagram", "handle": "…", "url": "…"}]``."""
    artist = _create(Artist, by=by, action="crm.artist.create", fields=fields)
    for social in socials:
        social_add(artist=artist, by=by, **social)
    _score_changed([artist.pk])
    return artist


@transaction.atomic
def artist_update(*, artist: Artist, by: Any, **fields: Any) -> Artist:
    artist = _update(artist, by=by, action="crm.artist.update", fields=fields)
    _score_changed([artist.pk])
    return artist


@transaction.atomic
def artist_delete(*, artist: Artist, by: Any) -> None:
    if artist.deals.exists():
        raise ValidationError(
            _("%(name)s still has deals; remove the artist from them or delete them first.")
            % {"name": artist}
        )
    _delete(artist, by=by, action="crm.artist.delete")


@transaction.atomic
def social_add(*, artist: Artist, by: Any, platform: str, handle: str, url: str = "") -> SocialProfile:
    social = SocialProfile(
        artist=artist, platform=platform, handle=normalize.normalize_handle(handle), url=url
    )
    social.full_clean()
    social.save()
    audit_record(
        action="crm.artist.social_add", actor=by, target=artist, data={"platform": platform, "handle": handle}
    )
    _score_changed([artist.pk])
    return social


@transaction.atomic
def social_remove(*, social: SocialProfile, by: Any) -> None:
    artist = social.artist
    audit_record(action="crm.artist.social_remove", actor=by, target=artist, data={"social": str(social)})
    social.delete()
    _score_changed([artist.pk])


@transaction.atomic
def audience_snapshot_record(
    *,
    artist: Artist,
    platform: str,
    date: date,
    followers: int,
    by: Any = None,
    monthly_listeners: int | None = None,
    engagement_rate: Decimal | None = None,
) -> AudienceSnapshot:
    """Record (or correct) the audience of ``artist`` on ``platform`` on ``date``; refreshes ``audience_total``."""
    snapshot = AudienceSnapshot.objects.filter(artist=artist, platform=platform, date=date).first()
    snapshot = snapshot or AudienceSnapshot(artist=artist, platform=platform, date=date)
    snapshot.followers = followers
    snapshot.monthly_listeners = monthly_listeners
    snapshot.engagement_rate = engagement_rate
    snapshot.full_clean()
    snapshot.save()
    artist_audience_refresh(artist_ids=[artist.pk])
    audit_record(
        action="crm.artist.audience",
        actor=by,
        target=artist,
        data={"platform": platform, "date": str(date), "followers": followers},
    )
    return snapshot


def artist_audience_refresh(*, artist_ids: Iterable[int]) -> None:
    """``audience_total`` = the sum over platforms of each platform's latest follower count (one UPDATE)."""
    ids = list(artist_ids)
    if not ids:
        return
    latest = (
        AudienceSnapshot.objects.filter(artist=OuterRef("artist"), platform=OuterRef("platform"))
        .order_by("-date")
        .values("pk")[:1]
    )
    totals = dict(
        AudienceSnapshot.objects.filter(artist_id__in=ids, pk=Subquery(latest))
        .values_list("artist_id")
        .annotate(total=Sum("followers"))
        .values_list("artist_id", "total")
    )
    artists = list(Artist.objects.filter(pk__in=ids).only("pk", "audience_total"))
    for artist in artists:
        artist.audience_total = totals.get(artist.pk) or 0
    Artist.objects.bulk_update(artists, ["audience_total"], batch_size=1000)
    _score_changed(ids)


# --- sponsors, contacts, campaigns ---------------------------------------------------------------------


@transaction.atomic
def sponsor_create(*, by: Any, **fields: Any) -> Sponsor:
    return _create(Sponsor, by=by, action="crm.sponsor.create", fields=fields)


@transaction.atomic
def sponsor_update(*, sponsor: Sponsor, by: Any, **fields: Any) -> Sponsor:
    return _update(sponsor, by=by, action="crm.sponsor.update", fields=fields)


@transaction.atomic
def sponsor_delete(*, sponsor: Sponsor, by: Any) -> None:
    _delete(sponsor, by=by, action="crm.sponsor.delete")


@transaction.atomic
def contact_create(*, by: Any, **fields: Any) -> Contact:
    return _create(Contact, by=by, action="crm.contact.create", fields=fields)


@transaction.atomic
def contact_update(*, contact: Contact, by: Any, **fields: Any) -> Contact:
    return _update(contact, by=by, action="crm.contact.update", fields=fields)


@transaction.atomic
def contact_delete(*, contact: Contact, by: Any) -> None:
    _delete(contact, by=by, action="crm.contact.delete")


def _clean_kpis(kpis: Any) -> list[dict]:
    if kpis in (None, ""):
        return []
    if not isinstance(kpis, list):
        raise ValidationError({"kpis": _("KPIs must be a list of name, target and actual.")})
    cleaned = []
    for kpi in kpis:
        name = str((kpi or {}).get("name", "")).strip()
        if not name:
            continue
        try:
            target = Decimal(str(kpi.get("target") or 0))
            actual = Decimal(str(kpi.get("actual") or 0))
        except ArithmeticError:
            raise ValidationError({"kpis": _("KPI targets and actuals must be numbers.")}) from None
        cleaned.append({"name": name[:80], "target": float(target), "actual": float(actual)})
    return cleaned


@transaction.atomic
def campaign_create(*, by: Any, **fields: Any) -> Campaign:
    if "kpis" in fields:
        fields["kpis"] = _clean_kpis(fields["kpis"])
    return _create(Campaign, by=by, action="crm.campaign.create", fields=fields)


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: Any, **fields: Any) -> Campaign:
    if "kpis" in fields:
        fields["kpis"] = _clean_kpis(fields["kpis"])
    return _update(campaign, by=by, action="crm.campaign.update", fields=fields)


@transaction.atomic
def campaign_delete(*, campaign: Campaign, by: Any) -> None:
    _delete(campaign, by=by, action="crm.campaign.delete")


# --- deals ---------------------------------------------------------------------------------------------


def first_open_stage(pipeline: Pipeline) -> Stage:
    stage = pipeline.stages.filter(outcome=Stage.Outcome.OPEN).order_by("position", "pk").first()
    stage = stage or pipeline.stages.order_by("position", "pk").first()
    if stage is None:
        raise ValidationError(
            {"stage": _("This pipeline has no stage yet; add one in the pipeline settings.")}
        )
    return stage


def _bottom_position(stage: Stage) -> int:
    last = Deal.objects.filter(stage=stage).aggregate(last=Max("position"))["last"]
    return (last or 0) + POSITION_GAP


def _check_stage(pipeline: Pipeline | None, stage: Stage | None) -> None:
    if pipeline is not None and stage is not None and stage.pipeline_id != pipeline.pk:
        raise ValidationError({"stage": _("This stage belongs to another pipeline.")})


@transaction.atomic
def deal_create(
    *, by: Any, pipeline: Pipeline, title: str, stage: Stage | None = None, **fields: Any
) -> Deal:
    """A new deal at the bottom of ``stage`` (default: the pipeline's first open stage)."""
    stage = stage or first_open_stage(pipeline)
    _check_stage(pipeline, stage)
    # lock the column so a concurrent move or create cannot take the same position
    list(Stage.objects.select_for_update(of=("self",)).filter(pk=stage.pk).order_by().values_list("pk"))
    fields.update(pipeline=pipeline, stage=stage, title=title, position=_bottom_position(stage))
    if stage.is_closed:
        fields.setdefault("closed_at", timezone.now())
    deal = _create(Deal, by=by, action="crm.deal.create", fields=fields)
    timeline_event(
        by=by, deal=deal, sponsor=deal.sponsor, data={"event": "deal_created", "stage": stage.name}
    )
    _board_changed(deal)
    return deal


@transaction.atomic
def deal_update(*, deal: Deal, by: Any, **fields: Any) -> Deal:
    """Change a deal's fields. A new stage (or pipeline) goes through the board's move (timeline, live board);
    the deal lands at the bottom of its new column."""
    new_stage = fields.pop("stage", None)
    new_pipeline = fields.pop("pipeline", None)
    lost_reason = fields.get("lost_reason", deal.lost_reason)
    if new_pipeline is not None and new_pipeline.pk != deal.pipeline_id:
        new_stage = new_stage or first_open_stage(new_pipeline)
        _check_stage(new_pipeline, new_stage)
        deal = _deal_change_pipeline(deal=deal, pipeline=new_pipeline, stage=new_stage, by=by)
    elif new_stage is not None:
        _check_stage(deal.pipeline, new_stage)
    if new_stage is not None and new_stage.pk != deal.stage_id:
        from crm.services.deals import deal_move

        deal = deal_move(deal_id=deal.pk, stage_id=new_stage.pk, by=by, lost_reason=lost_reason or "")
    deal = _update(deal, by=by, action="crm.deal.update", fields=fields)
    _board_changed(deal)
    return deal


def _deal_change_pipeline(*, deal: Deal, pipeline: Pipeline, stage: Stage, by: Any) -> Deal:
    old_pipeline, old_stage = deal.pipeline, deal.stage
    for locked in Stage.objects.select_for_update().filter(pk__in=[old_stage.pk, stage.pk]).order_by("pk"):
        locked.version += 1
        locked.save(update_fields=["version"])
    deal.pipeline, deal.stage = pipeline, stage
    deal.position = _bottom_position(stage)
    deal.closed_at = timezone.now() if stage.is_closed else None
    deal.save(update_fields=["pipeline", "stage", "position", "closed_at", "updated_at"])
    timeline_event(
        by=by,
        deal=deal,
        sponsor=deal.sponsor,
        data={
            "event": "pipeline_changed",
            "from": old_pipeline.name,
            "to": pipeline.name,
            "stage": stage.name,
        },
    )
    _board_removed(deal, pipeline_id=old_pipeline.pk, stage_id=old_stage.pk)
    return deal


@transaction.atomic
def deal_delete(*, deal: Deal, by: Any) -> None:
    pipeline_id, stage_id, deal_id = deal.pipeline_id, deal.stage_id, deal.pk
    _delete(deal, by=by, action="crm.deal.delete")
    _board_removed(deal, pipeline_id=pipeline_id, stage_id=stage_id, deal_id=deal_id)


def _board_changed(deal: Deal) -> None:
    """Tell the open pipeline boards (helper hook of crm.services.deals, if the board is installed)."""
    try:
        from crm.services import deals
    except ImportError:  # the board is being built
        return
    hook = getattr(deals, "deal_board_changed", None)
    if hook is not None:
        hook(deal=deal)


def _board_removed(deal: Deal, *, pipeline_id: int, stage_id: int, deal_id: int | None = None) -> None:
    try:
        from crm.services import deals
    except ImportError:  # the board is being built
        return
    hook = getattr(deals, "deal_board_removed", None)
    if hook is not None:
        hook(deal=deal, pipeline_id=pipeline_id, stage_id=stage_id, deal_id=deal_id or deal.pk)


# --- interactions and the timeline ---------------------------------------------------------------------


def _touch_last_interaction(interaction: Interaction) -> None:
    when = interaction.occurred_at
    artist_ids = set()
    if interaction.artist_id:
        artist_ids.add(interaction.artist_id)
    if interaction.deal_id:
        artist_ids.update(interaction.deal.artists.values_list("pk", flat=True))
    if artist_ids:
        Artist.objects.filter(pk__in=artist_ids).filter(
            models.Q(last_interaction_at__isnull=True) | models.Q(last_interaction_at__lt=when)
        ).update(last_interaction_at=when)
        _score_changed(artist_ids)
    sponsor_id = interaction.sponsor_id or (interaction.deal.sponsor_id if interaction.deal_id else None)
    if sponsor_id:
        Sponsor.objects.filter(pk=sponsor_id).filter(
            models.Q(last_interaction_at__isnull=True) | models.Q(last_interaction_at__lt=when)
        ).update(last_interaction_at=when)


def _published(interaction: Interaction) -> None:
    """Tell open pages of the records it is linked to (hook of the records views, if installed)."""
    try:
        from crm import registry
    except ImportError:
        return
    hook = getattr(registry, "interaction_published", None)
    if hook is not None:
        transaction.on_commit(lambda: hook(interaction_id=interaction.pk))


@transaction.atomic
def interaction_create(
    *,
    by: Any,
    kind: str,
    summary: str,
    occurred_at: Any = None,
    artist: Artist | None = None,
    sponsor: Sponsor | None = None,
    contact: Contact | None = None,
    deal: Deal | None = None,
    participants: Iterable[Any] = (),
    people: Iterable[Any] = (),
) -> Interaction:
    """A call, e-mail, meeting, note or message, linked to at least one record."""
    if kind == Interaction.Kind.SYSTEM:
        raise ValidationError({"kind": _("Events are written by the system.")})
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Say what happened.")})
    if not any((artist, sponsor, contact, deal)):
        raise ValidationError(
            _("An interaction must be linked to an artist, a sponsor, a contact or a deal.")
        )
    interaction = Interaction(
        kind=kind,
        summary=summary.strip(),
        occurred_at=occurred_at or timezone.now(),
        author=by,
        artist=artist,
        sponsor=sponsor,
        contact=contact,
        deal=deal,
    )
    interaction.full_clean()
    interaction.save()
    if participants:
        interaction.participants.set(list(participants))
    if people:
        interaction.people.set(list(people))
    _touch_last_interaction(interaction)
    audit_record(action="crm.interaction.create", actor=by, target=interaction, data={"kind": kind})
    _published(interaction)
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction, by: Any) -> None:
    if interaction.kind == Interaction.Kind.SYSTEM:
        raise ValidationError(_("Events written by the system cannot be deleted."))
    _delete(interaction, by=by, action="crm.interaction.delete")


def timeline_event(
    *,
    by: Any,
    data: dict[str, Any],
    summary: str = "",
    artist: Artist | None = None,
    sponsor: Sponsor | None = None,
    contact: Contact | None = None,
    deal: Deal | None = None,
    occurred_at: Any = None,
) -> Interaction:
    """A system entry of the timeline. ``data["event"]`` names it (``stage_changed``, ``deal_created``…) and
    ``crm.timeline.describe`` renders it in the reader's language; ``summary`` is the fallback text."""
    interaction = Interaction.objects.create(
        kind=Interaction.Kind.SYSTEM,
        summary=summary or data.get("event", ""),
        occurred_at=occurred_at or timezone.now(),
        author=by if getattr(by, "pk", None) else None,
        artist=artist,
        sponsor=sponsor,
        contact=contact,
        deal=deal,
        data=data,
    )
    _published(interaction)
    return interaction
