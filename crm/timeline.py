"""How a timeline entry reads, in the reader's language. System entries keep their facts in ``data`` (stage
names, people) so "moved from Negotiation to Won by Léa" is translated when shown, not when written."""

from django.utils.translation import gettext as _

from crm.models import Interaction


def _who(interaction: Interaction) -> str:
    author = interaction.author
    if author is None:
        return _("the system")
    return author.get_full_name() or author.email


def describe(interaction: Interaction) -> str:
    if interaction.kind != Interaction.Kind.SYSTEM:
        return interaction.summary
    data = interaction.data or {}
    event = data.get("event", "")
    values = {
        "who": _who(interaction),
        "from": data.get("from", ""),
        "to": data.get("to", ""),
        "stage": data.get("stage", ""),
        "reason": data.get("reason", ""),
        "title": data.get("title", ""),
    }
    if event == "stage_changed" and values["reason"]:
        return _("Moved from %(from)s to %(to)s by %(who)s (reason: %(reason)s)") % values
    if event == "stage_changed":
        return _("Moved from %(from)s to %(to)s by %(who)s") % values
    if event == "deal_created":
        return _("Deal created in %(stage)s by %(who)s") % values
    if event == "pipeline_changed":
        return _("Moved from pipeline %(from)s to %(to)s (%(stage)s) by %(who)s") % values
    if event == "deal_from_match":
        return _("Deal created from a sponsor match by %(who)s") % values
    if event == "imported":
        return _("Imported by %(who)s") % values
    return interaction.summary or event
