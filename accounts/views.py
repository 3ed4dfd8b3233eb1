from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from . import selectors, services
from .decorators import login_required
from .forms import InviteForm, LanguageForm, ProfileForm, RolesForm
from .models import User
from .permissions import can_manage_users, has_totp

TEAM_TEMPLATE = "accounts/user_list.html"


# --- helpers ---------------------------------------------------------------------------------------------


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (fields it does not have become form-wide errors)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _require_user_admin(request: HttpRequest) -> None:
    if not can_manage_users(request.user):
        raise PermissionDenied


def _member_or_404(pk: int) -> User:
    member = selectors.team_member_get(pk=pk)
    if member is None:
        raise Http404
    return member


def _member_row_response(request: HttpRequest, member: User, *, message: str, level: str) -> HttpResponse:
    """The refreshed table row, plus a toast (out-of-band) saying what happened."""
    row = render_to_string(f"{TEAM_TEMPLATE}#member-row", {"member": member}, request)
    toast = render_to_string(f"{TEAM_TEMPLATE}#toast-oob", {"message": message, "level": level}, request)
    return HttpResponse(row + toast)


def _member_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    _require_user_admin(request)
    member = _member_or_404(pk)
    try:
        action(user=member, by=request.user)
    except ValidationError as exc:
        ok, message = False, _error_text(exc)
    else:
        ok, message = True, success % {"name": member}
    if not request.htmx:
        (messages.success if ok else messages.error)(request, message)
        return redirect(reverse("accounts:team") + f"#member-{member.pk}")
    return _member_row_response(
        request, _member_or_404(pk), message=message, level="success" if ok else "danger"
    )


# --- Team page -------------------------------------------------------------------------------------------


@require_GET
@login_required
def team(request: HttpRequest) -> HttpResponse:
    _require_user_admin(request)
    form = InviteForm(initial={"language": request.user.language})
    return render(request, TEAM_TEMPLATE, {"members": selectors.team_member_list(), "invite_form": form})


@require_POST
@login_required
def team_invite(request: HttpRequest) -> HttpResponse:
    _require_user_admin(request)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            member = services.user_invite(**form.cleaned_data, invited_by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": member.email})
            url = reverse("accounts:team") + f"#member-{member.pk}"
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return render(request, f"{TEAM_TEMPLATE}#invite-form", {"invite_form": form})
    return render(request, TEAM_TEMPLATE, {"members": selectors.team_member_list(), "invite_form": form})


@require_GET
@login_required
def team_member(request: HttpRequest, pk: int) -> HttpResponse:
    """One row of the Team table (htmx: after cancelling an edit)."""
    _require_user_admin(request)
    member = _member_or_404(pk)
    if not request.htmx:
        return redirect(reverse("accounts:team") + f"#member-{member.pk}")
    return render(request, f"{TEAM_TEMPLATE}#member-row", {"member": member})


@require_http_methods(["GET", "POST"])
@login_required
def team_member_roles(request: HttpRequest, pk: int) -> HttpResponse:
    _require_user_admin(request)
    member = _member_or_404(pk)
    if request.method == "POST":
        form = RolesForm(request.POST)
        if form.is_valid():
            try:
                services.user_set_roles(user=member, roles=form.cleaned_data["roles"], by=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                message = _("Roles of %(name)s saved.") % {"name": member}
                if not request.htmx:
                    messages.success(request, message)
                    return redirect(reverse("accounts:team") + f"#member-{member.pk}")
                response = _member_row_response(request, _member_or_404(pk), message=message, level="success")
                return reswap(retarget(response, f"#member-{member.pk}"), "outerHTML")
    else:
        form = RolesForm(initial={"roles": member.role_names})
    template = "accounts/user_roles_form.html" + ("#roles-form" if request.htmx else "")
    return render(request, template, {"member": member, "form": form})


@require_POST
@login_required
def team_member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(request, pk, services.user_deactivate, _("%(name)s can no longer sign in."))


@require_POST
@login_required
def team_member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(request, pk, services.user_reactivate, _("%(name)s can sign in again."))


@require_POST
@login_required
def team_member_resend(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request, pk, services.user_resend_invitation, _("Invitation sent again to %(name)s.")
    )


# --- Profile and language --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, current_time_zone=user.time_zone)
        if form.is_valid():
            try:
                services.user_update_profile(user=user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Your profile has been saved."))
                # A whole new page: the language or time zone may have changed.
                url = reverse("accounts:profile")
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    else:
        form = ProfileForm(
            initial={field: getattr(user, field) for field in services.PROFILE_FIELDS},
            current_time_zone=user.time_zone,
        )
    template = "accounts/profile_form.html" + ("#profile-form" if request.htmx else "")
    return render(request, template, {"form": form, "two_factor_on": has_totp(user)})


@login_required
def email_managed(request: HttpRequest) -> HttpResponse:
    """Staff e-mail addresses are the sign-in identity an Admin invited: nobody changes their own (allauth's
    e-mail management page would let them add and switch addresses)."""
    messages.info(request, _("Your e-mail address is managed by the Admins. Ask one of them to change it."))
    return redirect("accounts:profile")


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL if request.user.is_authenticated else settings.LOGIN_URL)


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: saved on the account when signed in, and always in the language cookie
    (so it also works on the sign-in page)."""
    form = LanguageForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next") or request.headers.get("referer"))
    response = HttpResponseClientRedirect(next_url) if request.htmx else redirect(next_url)
    if not form.is_valid():
        return response
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
