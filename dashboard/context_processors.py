"""What every signed-in page's shell (templates/layouts/app.html) needs."""

from notifications.selectors import notification_unread_count

from .registry import modules_for

_CACHE_ATTR = "_shell_context"


def shell(request) -> dict:
    """``shell_modules`` (sidebar), ``unread_count`` (one query, signed-in users only) and ``live_groups`` (pages
    add theirs with the template block of that name). Computed once per request: widgets rendered with the
    request reuse it."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    match = getattr(request, "resolver_match", None)
    context = {
        "shell_modules": modules_for(user, current_namespace=match.namespace if match else "")
        if signed_in
        else [],
        "unread_count": notification_unread_count(user=user) if signed_in else 0,
        "live_groups": "",
    }
    setattr(request, _CACHE_ATTR, context)
    return context
