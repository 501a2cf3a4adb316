"""The filters' <select> written in Python is the markup Django's template would write."""

import pytest
from django import forms
from django.test.html import parse_html

from projects.forms import QuickSelect

CHOICES = [("", "—"), (1, "防城 <港>"), (2, 'a"b & c'), ("组", [(3, "东兴市"), (4, "上思县")])]


@pytest.mark.parametrize("value", ["", 1, "2", 4, None])
@pytest.mark.parametrize("attrs", [{"class": "form-select form-select-sm", "required": True}, {}])
def test_the_markup_is_djangos_escaped_and_selected_alike(value, attrs):
    django = forms.Select(choices=CHOICES, attrs=attrs).render("city", value, {"id": "id_city"})
    quick = QuickSelect(choices=CHOICES, attrs=attrs).render("city", value, {"id": "id_city"})
    assert parse_html(quick) == parse_html(django)
    assert "<港>" not in quick


def test_the_filter_forms_use_it(client, clerk):
    """Written in Python, the options follow one another with no template's line breaks."""
    client.force_login(clerk)
    page = client.get("/projects/").content.decode()
    region = page.split('<select name="region"', 1)[1].split("</select>", 1)[0]
    assert '</option><option value="1">港口区</option><option' in region
