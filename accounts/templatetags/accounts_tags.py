from django import template

from accounts import permissions

register = template.Library()


@register.filter
def two_factor_required(user) -> bool:
    """{% if request.user|two_factor_required %}: the user's role makes two-factor authentication mandatory."""
    return permissions.two_factor_required(user)


@register.filter
def has_role(user, names: str) -> bool:
    """{% if request.user|has_role:"Admin,Manager" %}"""
    return permissions.has_any_role(user, *[n.strip() for n in names.split(",") if n.strip()])


@register.filter
def needs_two_factor_setup(user) -> bool:
    """{% if request.user|needs_two_factor_setup %}: the user must set up two-factor before anything else."""
    return permissions.needs_two_factor_setup(user)
