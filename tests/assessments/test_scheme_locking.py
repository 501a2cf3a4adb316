"""No lost updates on the scoring scheme: two clerks open the editor; the second save from the
stale page is refused with the first clerk's values and the stored scheme keeps them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import ScoringScheme
from fdi_portal.models import Role
from tasks.models import Plan
from tests.assessments.test_scheme_editor import FCG_TITLE, P, page_data, post
from tests.conftest import make_user


@pytest.fixture
def plan(fangchenggang) -> Plan:
    return Plan.objects.get(title=FCG_TITLE)


def test_a_stale_scheme_save_is_refused_and_shows_the_other_clerks_weights(
    fangchenggang, plan, clerk, client
):
    url = reverse("assessments:scheme_edit", args=["450600", plan.pk])
    colleague = make_user("colleague", Role.COMMERCE_STAFF, city=fangchenggang)
    client.force_login(clerk)
    mine = page_data(client, url)
    client.force_login(colleague)
    theirs = page_data(client, url)
    theirs |= {"label": "同事的方案", f"{P}-0-weight": "40"}
    assert post(client, url, theirs).status_code == 302

    client.force_login(clerk)
    mine |= {"label": "我的方案", f"{P}-0-weight": "10"}
    page = post(client, url, mine)

    assert page.status_code == 200
    error = page.context["form"].non_field_errors()[0]
    assert "Someone else saved this record" in error
    assert "label：同事的方案" in error
    # The colleague's weights: 40 + 20 + 20 + 15 + 15.
    assert "年度目标完成率（40）" in error
    scheme = ScoringScheme.objects.get(plan=plan)
    assert (scheme.label, scheme.indicators[0]["weight"]) == ("同事的方案", "40")


def test_a_trial_score_from_a_stale_page_is_still_shown(fangchenggang, plan, clerk, client):
    url = reverse("assessments:scheme_edit", args=["450600", plan.pk])
    client.force_login(clerk)
    data = page_data(client, url)
    ScoringScheme.objects.filter(plan=plan).update(label="别人改过")
    page = post(client, url, {**data, "action": "try"})
    assert page.status_code == 200
    assert not page.context["form"].non_field_errors()
    assert ScoringScheme.objects.get(plan=plan).label == "别人改过"
