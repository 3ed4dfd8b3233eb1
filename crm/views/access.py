"""The CRM's view guards, built on :mod:`crm.permissions` (the same predicates serve the API and live groups).

Signed-out visitors go to the sign-in page; signed-in people without the right get 403.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from crm.permissions import can_edit_crm, can_edit_pipelines, can_tune_scoring, can_view_crm


def _guard(predicate: Callable) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


crm_read = _guard(can_view_crm)
crm_write = _guard(can_edit_crm)
pipelines_write = _guard(can_edit_pipelines)
scoring_admin = _guard(can_tune_scoring)
