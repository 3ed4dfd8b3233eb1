"""Template helpers of the CRM: money in the reader's locale, safe links to features, the sub-navigation."""

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "CAD": "CA$"}


@register.filter
def money(value, currency: str = "EUR") -> str:
    """``12 500,00 €`` in French, ``€12,500.00`` in English; whole amounts drop the cents."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    places = 0 if amount == amount.to_integral_value() else 2
    number = formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency or "EUR", currency)
    if (get_language() or "en").startswith("fr"):
        return f"{number}\u00a0{symbol}"
    return f"{symbol}{number}" if len(symbol) == 1 else f"{symbol}\u00a0{number}"


@register.simple_tag
def crm_url(name: str, *args) -> str:
    """``{% url %}`` that gives "" for a CRM page not built yet (the sub-navigation skips it)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.inclusion_tag("crm/components/crm-nav.html", takes_context=True)
def crm_nav(context, active: str = ""):
    from django.utils.translation import gettext as _

    from crm.permissions import can_edit_crm, can_tune_scoring

    user = context["request"].user
    items = [
        ("artists", _("Artists"), "crm:artist-list", "person-badge"),
        ("sponsors", _("Sponsors"), "crm:sponsor-list", "building"),
        ("contacts", _("Contacts"), "crm:contact-list", "person-lines-fill"),
        ("deals", _("Deals"), "crm:deal-list", "cash-stack"),
        ("board", _("Pipelines"), "crm:board", "kanban"),
        ("campaigns", _("Campaigns"), "crm:campaign-list", "megaphone"),
    ]
    if can_edit_crm(user):
        items.append(("imports", _("Import"), "crm:import-list", "upload"))
    if can_tune_scoring(user):
        items.append(("scoring", _("Scoring"), "crm:scoring-settings", "sliders"))
    links = []
    for key, label, name, icon in items:
        url = crm_url(name)
        if url:
            links.append({"key": key, "label": label, "url": url, "icon": icon, "active": key == active})
    return {"links": links}


@register.filter
def timeline_text(interaction) -> str:
    """A timeline entry in the reader's language (system events are described from their data)."""
    from crm.timeline import describe

    return describe(interaction)
