"""Saved views: save the current filters, sorting and columns under a name, private or shared with the team;
apply them from the dropdown; delete your own (Admins: any)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from crm import listing
from crm.models import SavedView
from crm.services.views import saved_view_delete, saved_view_save

pytestmark = pytest.mark.django_db

ARTISTS = reverse("crm:artist-list")
CREATE = reverse("crm:artist-view-create")


# --- the services ----------------------------------------------------------------------------------------


def test_save_stores_filters_sorting_and_columns_and_audits(manager):
    view = saved_view_save(
        by=manager,
        list_key="artists",
        name="  Signed   pop ",
        query="status=signed&genre=pop&sort=-score&page=3&cols=score&view=9",
        columns=["name", "score", "score"],
    )
    assert view.name == "Signed pop"
    assert view.query == "status=signed&genre=pop&sort=-score"  # no page, no columns, no applied view
    assert view.columns == ["name", "score"]
    assert not view.shared
    assert AuditEvent.objects.filter(action="crm.saved_view.create", target_id=str(view.pk)).exists()


def test_saving_again_under_the_same_name_replaces_the_view(manager):
    first = saved_view_save(by=manager, list_key="artists", name="Mine", query="status=signed")
    second = saved_view_save(by=manager, list_key="artists", name="Mine", query="status=alumni", shared=True)
    assert second.pk == first.pk and second.query == "status=alumni" and second.shared
    assert SavedView.objects.count() == 1
    assert AuditEvent.objects.filter(action="crm.saved_view.update").count() == 1


def test_the_same_name_on_another_list_or_by_someone_else_is_another_view(manager, make_user):
    saved_view_save(by=manager, list_key="artists", name="Mine")
    saved_view_save(by=manager, list_key="deals", name="Mine")
    saved_view_save(by=make_user("Viewer"), list_key="artists", name="Mine")
    assert SavedView.objects.count() == 3


def test_readers_save_private_views_but_only_writers_share(make_user):
    viewer = make_user("Viewer")
    assert not saved_view_save(by=viewer, list_key="artists", name="Mine").shared
    with pytest.raises(ValidationError) as error:
        saved_view_save(by=viewer, list_key="artists", name="Team", shared=True)
    assert "shared" in error.value.message_dict
    assert saved_view_save(by=make_user("Admin"), list_key="artists", name="Team", shared=True).shared


def test_bad_input_is_refused_with_a_reason(manager, make_user):
    with pytest.raises(ValidationError) as error:
        saved_view_save(by=manager, list_key="nope", name=" ", query="x=" + "y" * 2100)
    assert set(error.value.message_dict) == {"name", "list_key", "query"}
    with pytest.raises(PermissionDenied):
        saved_view_save(by=make_user("Streamer"), list_key="artists", name="Mine")
    assert not SavedView.objects.exists()


def test_delete_own_view_admin_any_others_none(manager, make_user):
    view = saved_view_save(by=manager, list_key="artists", name="Shared", shared=True)
    with pytest.raises(PermissionDenied):
        saved_view_delete(by=make_user("Manager"), view=view)
    saved_view_delete(by=manager, view=view)
    assert not SavedView.objects.exists()

    other = saved_view_save(by=manager, list_key="artists", name="Again", shared=True)
    saved_view_delete(by=make_user("Admin"), view=other)
    assert not SavedView.objects.exists()
    assert AuditEvent.objects.filter(action="crm.saved_view.delete").count() == 2


# --- visibility in the dropdown ----------------------------------------------------------------------------


def test_private_views_stay_private_and_shared_ones_reach_the_team(client_as, manager, make_user):
    saved_view_save(by=manager, list_key="artists", name="Léa private", query="status=signed")
    saved_view_save(by=manager, list_key="artists", name="Team signed", query="status=signed", shared=True)
    saved_view_save(by=manager, list_key="deals", name="Deals only", shared=True)

    client, viewer = client_as("Viewer")
    html = client.get(ARTISTS).content.decode()
    assert "Team signed" in html and "Shared by the team" in html
    assert "Léa private" not in html and "Deals only" not in html
    assert "list-view-delete" not in html  # not theirs

    client.force_login(manager)
    html = client.get(ARTISTS).content.decode()
    assert "Léa private" in html and "Team signed" in html and "My views" in html
    assert html.count("list-view-delete") == 2


def test_the_filter_form_holds_no_nested_form(client_as):
    """Forms cannot nest: a form inside the filter form would end it early and strand the filters."""
    client, user = client_as("Manager")
    saved_view_save(by=user, list_key="artists", name="Mine", shared=True)
    html = client.get(ARTISTS).content.decode()
    start = html.index('<form id="list-form"')
    inner = html[start + 5 : html.index("</form>", start)]
    assert "<form" not in inner
    assert 'name="genre"' in inner and "list-view-delete" in inner


def test_applying_a_view_marks_it_active_until_the_filters_change(client_as):
    client, user = client_as("Manager")
    view = saved_view_save(by=user, list_key="artists", name="Top", query="sort=-score", columns=["score"])
    url = listing.saved_view_url(view)
    assert url == f"{ARTISTS}?sort=-score&cols=score&view={view.pk}"

    html = client.get(url).content.decode()
    assert '<span id="list-views-label" class="list-views-label">Top</span>' in html
    html = client.get(url.replace("sort=-score", "sort=score")).content.decode()
    assert '<span id="list-views-label" class="list-views-label">Views</span>' in html


# --- the views -----------------------------------------------------------------------------------------------


def test_saving_from_the_dialog_redirects_to_the_applied_view(client_as):
    client, user = client_as("Manager")
    response = client.post(
        CREATE,
        {"name": "Signed", "shared": "on", "query": "status=signed", "columns": "score,nope"},
        HTTP_HX_REQUEST="true",
    )
    view = SavedView.objects.get()
    assert (view.owner, view.shared, view.query, view.columns) == (user, True, "status=signed", ["score"])
    assert response["HX-Redirect"] == listing.saved_view_url(view)

    plain = client.post(CREATE, {"name": "Plain", "query": ""})
    assert plain.status_code == 302


def test_the_dialog_comes_back_with_errors(client_as):
    client, _user = client_as("Viewer")
    response = client.post(CREATE, {"name": "", "query": "status=signed"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and '<form id="saved-view-form"' in html
    assert "This field is required." in html
    assert 'name="shared"' not in html and "Managers and Admins can share views" in html

    # a Viewer forcing "shared" gets an explanation, not a shared view
    response = client.post(CREATE, {"name": "X", "shared": "on"}, HTTP_HX_REQUEST="true")
    assert "Only Managers and Admins may share a view" in response.content.decode()
    assert not SavedView.objects.exists()


def test_delete_view_endpoint(client_as, manager):
    view = saved_view_save(by=manager, list_key="deals", name="Mine", shared=True)
    client, _other = client_as("Manager")
    assert client.post(reverse("crm:saved-view-delete", args=[view.pk])).status_code == 403

    client.force_login(manager)
    response = client.post(reverse("crm:saved-view-delete", args=[view.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("crm:deal-list")
    assert not SavedView.objects.exists()

    private = saved_view_save(by=manager, list_key="deals", name="Private")
    client, _admin = client_as("Admin")
    # somebody's private view is invisible, even to an Admin
    assert client.post(reverse("crm:saved-view-delete", args=[private.pk])).status_code == 404
