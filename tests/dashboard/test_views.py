import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dashboard import registry
from dashboard.views import greeting
from tests.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def user_client(client):
    client.user = UserFactory(first_name="Nina")
    client.force_login(client.user)
    return client


@pytest.fixture
def extra_widget():
    """Register a widget for one test, then restore the registry."""
    saved = dict(registry._widgets)
    yield registry.register_widget
    registry._widgets.clear()
    registry._widgets.update(saved)


@pytest.mark.parametrize("name", ["dashboard:home", "dashboard:search"])
def test_pages_need_a_signed_in_user(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_home_greets_by_name_and_shows_the_notifications_widget(user_client):
    NotificationFactory(recipient=user_client.user, verb="Contract ready")
    html = user_client.get(reverse("dashboard:home")).content.decode()
    hour = timezone.localtime().hour
    assert f"{greeting(hour)}, Nina" in html
    assert 'id="widget-notifications"' in html and "Your notifications" in html and "Contract ready" in html


@pytest.mark.parametrize(
    ("hour", "expected"),
    [
        (6, "Good morning"),
        (11, "Good morning"),
        (12, "Good afternoon"),
        (18, "Good evening"),
        (2, "Good evening"),
    ],
)
def test_greeting_by_time_of_day(hour, expected):
    with translation.override("en"):  # not whatever language an earlier test left active in this thread
        assert greeting(hour) == expected


def test_home_shows_coming_soon_cards_for_modules_not_installed(user_client):
    html = user_client.get(reverse("dashboard:home")).content.decode()
    for key, label in [
        ("content", "Content"),
        ("streaming", "Streaming"),
    ]:
        assert f'id="module-{key}"' in html
        assert f"Coming soon: {label}" in html
    assert 'id="module-dashboard"' not in html
    # installed: a sidebar link and widgets (for those who may see them), no placeholder
    assert 'id="module-crm"' not in html and 'id="module-planning"' not in html


def test_a_failing_widget_shows_an_error_card(user_client, extra_widget):
    def broken(request):
        raise RuntimeError("database on fire")

    extra_widget("broken", title="Broken", template="notifications/components/widget.html", context=broken)
    extra_widget("hidden", title="Hidden one", template="no/such.html", context=dict, visible=lambda u: False)
    response = user_client.get(reverse("dashboard:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="widget-broken"' in html and "This widget could not be loaded" in html
    assert 'id="widget-notifications"' in html  # the others still render
    assert "Hidden one" not in html


def test_widgets_follow_their_order(user_client, extra_widget):
    extra_widget(
        "first", title="First", template="notifications/components/widget.html", context=dict, order=1
    )
    html = user_client.get(reverse("dashboard:home")).content.decode()
    assert html.index('id="widget-first"') < html.index('id="widget-notifications"')


def test_home_query_count_is_constant(user_client, django_assert_num_queries):
    NotificationFactory.create_batch(3, recipient=user_client.user)
    with django_assert_num_queries(5):
        user_client.get(reverse("dashboard:home"))
    NotificationFactory.create_batch(27, recipient=user_client.user)
    with django_assert_num_queries(5):
        user_client.get(reverse("dashboard:home"))


def test_shell_context(user_client):
    NotificationFactory.create_batch(2, recipient=user_client.user)
    NotificationFactory()  # someone else's
    context = user_client.get(reverse("dashboard:home")).context
    assert context["unread_count"] == 2
    assert context["live_groups"] == ""
    modules = {m.key: m for m in context["shell_modules"]}
    # a person without a role sees neither the CRM nor Planning (their permissions' can_view_*)
    assert list(modules)[:3] == ["dashboard", "content", "streaming"]
    assert modules["dashboard"].url == reverse("dashboard:home") and modules["dashboard"].active
    assert modules["dashboard"].available and modules["dashboard"].icon
    assert modules["content"].url is None and not modules["content"].available


def test_crm_readers_get_the_crm_module_and_its_widgets(client, django_assert_num_queries):
    client.force_login(UserFactory(roles=["Viewer"]))
    # + pipeline totals, top artists; Planning's "My tasks" (2) and "Coming up" (2: events, dated tasks)
    with django_assert_num_queries(11):
        response = client.get(reverse("dashboard:home"))
    modules = {m.key: m for m in response.context["shell_modules"]}
    assert list(modules)[:5] == ["dashboard", "crm", "content", "planning", "streaming"]
    assert modules["crm"].url == reverse("crm:home") and modules["crm"].available and not modules["crm"].active
    html = response.content.decode()
    assert 'id="widget-crm-pipelines"' in html and 'id="widget-crm-top-artists"' in html
    assert "No deals yet" in html


def test_the_pipelines_widget_sums_open_deals_and_weights_them(client):
    from decimal import Decimal

    from tests.crm.factories import DealFactory, sponsorship, stage

    DealFactory(stage=stage(sponsorship(), "Proposal"), value=Decimal("10000"))  # 50 %
    DealFactory(stage=stage(sponsorship(), "Lead"), value=Decimal("2000"), probability=30)
    DealFactory(stage=stage(sponsorship(), "Won"), value=Decimal("99999"))  # not open
    client.force_login(UserFactory(roles=["Viewer"]))
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "Sponsorship" in html and "€5,600" in html and "2 open deals, €12,000" in html


def test_shell_context_is_empty_for_visitors(rf):
    from django.contrib.auth.models import AnonymousUser

    from dashboard.context_processors import shell

    request = rf.get("/")
    request.user = AnonymousUser()
    assert shell(request) == {"shell_modules": [], "unread_count": 0, "live_groups": ""}


# --- search ------------------------------------------------------------------------------------------------


def test_search_htmx_returns_grouped_results_only(user_client):
    NotificationFactory(recipient=user_client.user, verb="Invoice for the Lyon concert", url="/crm/deals/3/")
    NotificationFactory(verb="Invoice of somebody else")
    response = user_client.get(reverse("dashboard:search"), {"q": "invoice"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="search-group-notifications"' in html and "Notifications" in html
    assert "Invoice for the Lyon concert" in html and 'href="/crm/deals/3/"' in html
    assert "somebody else" not in html


def test_search_full_page(user_client):
    NotificationFactory(recipient=user_client.user, verb="Invoice for the Lyon concert")
    html = user_client.get(reverse("dashboard:search"), {"q": "lyon"}).content.decode()
    assert "<html" in html and 'id="search-page-results"' in html and "Invoice for the Lyon concert" in html


def test_search_ignores_one_character_queries(user_client):
    NotificationFactory(recipient=user_client.user, verb="a")
    html = user_client.get(reverse("dashboard:search"), {"q": "a"}, **HTMX).content.decode()
    assert "Type at least 2 characters." in html and "search-group" not in html
    assert user_client.get(reverse("dashboard:search"), {"q": "a"}).context["groups"] == []


def test_search_without_query_renders_nothing(user_client):
    assert user_client.get(reverse("dashboard:search"), **HTMX).content.decode().strip() == ""


def test_search_says_when_nothing_matches(user_client):
    html = user_client.get(reverse("dashboard:search"), {"q": "zzz"}, **HTMX).content.decode()
    assert "Nothing found" in html
