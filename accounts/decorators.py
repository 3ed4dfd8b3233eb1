from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


def login_required(view_func):
    """Like Django's, but an htmx request is told to load the login page as a whole page (HX-Redirect), with
    `next` pointing at the page the user was on, instead of having the login form swapped into a fragment."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view_func(request, *args, **kwargs)
        htmx = getattr(request, "htmx", None)
        if htmx:
            next_url = htmx.current_url_abs_path or request.get_full_path()
            response = redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
            return HttpResponseClientRedirect(response["Location"])
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))

    return wrapper
