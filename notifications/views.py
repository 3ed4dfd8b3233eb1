from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import login_required

from . import selectors, services
from .forms import AnnouncementForm, NotificationFilterForm, PreferencesForm
from .permissions import can_send_announcement

PAGE_SIZE = 25
LIST_TEMPLATE = "notifications/notification_list.html"
BELL_TARGET = "notif-dropdown"  # the shell's dropdown body (templates/layouts/app.html)


def _get_or_404(request: HttpRequest, pk: int):
    notification = selectors.notification_get(user=request.user, pk=pk)
    if notification is None:
        raise Http404
    return notification


def _list_context(request: HttpRequest, params: QueryDict | None = None) -> dict:
    """The list page's context; ``params`` (filter, page) default to the request's query string."""
    params = request.GET if params is None else params
    unread_only = NotificationFilterForm(params).unread_only()
    page = Paginator(selectors.notification_list(user=request.user, unread_only=unread_only), PAGE_SIZE)
    return {
        "page_obj": page.get_page(params.get("page")),
        "current_filter": "unread" if unread_only else "all",
        "can_announce": can_send_announcement(request.user),
    }


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    template = LIST_TEMPLATE + ("#notification-list" if request.htmx else "")
    return render(request, template, _list_context(request))


@require_GET
@login_required
def notification_bell(request: HttpRequest) -> HttpResponse:
    return _render_bell(request)


def _render_bell(request: HttpRequest) -> HttpResponse:
    """The bell dropdown's body (always a fragment)."""
    return render(
        request,
        "notifications/bell.html",
        {"notifications": selectors.notification_latest(user=request.user)},
    )


@require_POST
@login_required
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(notification=_get_or_404(request, pk), user=request.user)
    if request.htmx:
        return render(
            request,
            LIST_TEMPLATE + "#notification-row-update",
            {
                "notification": notification,
                "unread_count": selectors.notification_unread_count(user=request.user),
            },
        )
    return redirect(_safe_next(request, reverse("notifications:list")))


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to what the notification is about (the list when it links nowhere)."""
    notification = services.notification_mark_read(notification=_get_or_404(request, pk), user=request.user)
    target = notification.url or reverse(
        "notifications:list"
    )  # services accept only /paths and http(s) links
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@require_POST
@login_required
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    if request.htmx and request.htmx.target == BELL_TARGET:
        return _render_bell(request)
    if request.htmx:  # re-render the list as the page shows it (its filter and page are in the browser's URL)
        params = QueryDict(urlsplit(request.htmx.current_url or "").query)
        return render(request, LIST_TEMPLATE + "#notification-list", _list_context(request, params))
    return redirect(_safe_next(request, reverse("notifications:list")))


@require_http_methods(["GET", "POST"])
@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.preference_channels(user=request.user)
    form = PreferencesForm(request.POST or None, current=current)
    saved = False
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, channels=form.cleaned_data)
        if not request.htmx:
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:preferences")
        saved = True
    template = "notifications/notification_preferences.html" + ("#preferences-form" if request.htmx else "")
    return render(request, template, {"form": form, "saved": saved})


@require_http_methods(["GET", "POST"])
@login_required
def announcement_send(request: HttpRequest) -> HttpResponse:
    if not can_send_announcement(request.user):
        raise PermissionDenied
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.announcement_send(sender=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            people = len({n.recipient_id for n in sent})
            messages.success(
                request,
                ngettext("Announcement sent to %(n)s person.", "Announcement sent to %(n)s people.", people)
                % {"n": people},
            )
            url = reverse("notifications:announce")
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    template = "notifications/announcement_form.html" + ("#announcement-form" if request.htmx else "")
    return render(request, template, {"form": form})


def _add_errors(form, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, field_errors in errors.items():
        for error in field_errors:
            form.add_error(field if field in form.fields else None, error)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    return target if _is_local_or_http(request, target) else default


def _is_local_or_http(request: HttpRequest, url: str) -> bool:
    if not url:
        return False
    if url.startswith("/") and not url.startswith("//"):
        return True
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
