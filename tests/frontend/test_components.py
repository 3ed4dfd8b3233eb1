"""templates/components/: pagination, form fields, empty state, confirm, badges."""

import pytest
from django import forms
from django.template import engines
from django.test import RequestFactory

from tests.frontend.markup import parse

pytestmark = pytest.mark.urls("tests.frontend.urls")


def render(source: str, context: dict | None = None, request=None) -> str:
    return engines["django"].from_string(source).render(context or {}, request)


def test_pagination_keeps_the_other_query_parameters(client):
    html = client.get(
        "/__frontend__/pagination/", {"q": "nox", "status": "signed", "page": 5}
    ).content.decode()

    markup = parse(html)
    hrefs = [a.attrs["href"] for a in markup.all("a")]
    assert "?q=nox&status=signed&page=4" in hrefs  # previous
    assert "?q=nox&status=signed&page=6" in hrefs  # next
    assert "?q=nox&status=signed&page=1" in hrefs and "?q=nox&status=signed&page=10" in hrefs
    assert "?q=nox&status=signed&page=2" not in hrefs  # elided
    current = next(e for e in markup.all("li") if "active" in e.attrs.get("class", ""))
    assert current.attrs["aria-current"] == "page"
    assert "41–50 of 100" in html


def test_pagination_with_htmx_target_and_single_page():
    from django.core.paginator import Paginator

    request = RequestFactory().get("/list/", {"page": 2})
    page = Paginator(range(30), 10).get_page(2)
    html = render(
        '{% include "components/pagination.html" with page=page hx_target="#t" %}', {"page": page}, request
    )
    assert 'hx-get="?page=3" hx-target="#t" hx-push-url="true"' in html

    single = Paginator(range(3), 10).get_page(1)
    assert (
        render('{% include "components/pagination.html" with page=page %}', {"page": single}, request).strip()
        == ""
    )


class SampleForm(forms.Form):
    name = forms.CharField(label="Artist name", help_text="As shown on releases.")
    active = forms.BooleanField(label="Active", required=False)
    kind = forms.ChoiceField(choices=[("a", "Solo"), ("b", "Band")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def test_form_field_renders_label_help_and_errors():
    form = SampleForm(data={"name": "", "kind": "a"})
    form.is_valid()

    html = render('{% include "components/form_field.html" with field=form.name %}', {"form": form})

    markup = parse(html)
    wrapper = markup.all("div")[0]
    assert {"ms-field", "has-error", "ms-field-text"} <= set(wrapper.attrs["class"].split())
    label = markup.all("label")[0]
    assert label.attrs["for"] == "id_name" and "Artist name" in html
    assert 'id="id_name_helptext"' in html and "As shown on releases." in html
    assert "This field is required." in html
    assert markup.by_id("id_name").attrs.get("aria-invalid") == "true"


def test_form_field_checkbox_radio_and_hidden():
    form = SampleForm()

    checkbox = render('{% include "components/form_field.html" with field=form.active %}', {"form": form})
    radios = render('{% include "components/form_field.html" with field=form.kind %}', {"form": form})
    hidden = render('{% include "components/form_field.html" with field=form.token %}', {"form": form})

    assert 'class="ms-check"' in checkbox and '<label for="id_active">Active</label>' in checkbox
    assert radios.strip().startswith("<fieldset") and "<legend" in radios and "Solo" in radios
    assert hidden.strip() == '<input type="hidden" name="token" id="id_token">'


def test_form_errors_lists_non_field_errors():
    form = SampleForm(data={"name": "x", "kind": "a"})
    form.is_valid()
    form.add_error(None, "Those two do not match.")

    html = render('{% include "components/form_errors.html" with form=form %}', {"form": form})

    assert 'role="alert"' in html and "Those two do not match." in html


def test_empty_state_confirm_badge_and_role_pill():
    html = render(
        '{% include "components/empty_state.html" with icon="inbox" title="Nothing" text="Add one." action_url="/new/" action_label="Add" %}'
        '{% include "components/confirm_button.html" with action="/del/" label="Delete" message="Delete it?" %}'
        '{% include "components/badge.html" with text="Draft" tone="warning" icon="pencil" %}'
        '{% include "components/role_pill.html" with role="Manager" %}'
        '{% include "components/toast.html" with level="danger" text="Broken" url="/x/" %}',
        request=RequestFactory().get("/"),
    )

    markup = parse(html)
    assert any(a.attrs.get("href") == "/new/" for a in markup.all("a"))
    form = next(f for f in markup.all("form") if f.attrs["action"] == "/del/")
    assert form.attrs["method"] == "post" and form.attrs["data-confirm"] == "Delete it?"
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'class="ms-badge ms-badge-warning"' in html
    assert 'class="role-pill role-manager"' in html
    assert "toast-error" in html and 'role="alert"' in html and 'href="/x/"' in html
