"""403, 404 and 500 in the portal's layout and in Chinese, never Django's bare English pages."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse


def test_an_object_of_another_city_is_a_chinese_404_in_the_portals_layout(
    client, clerk, wuwei, fangchenggang
):
    client.force_login(clerk)
    response = client.get(reverse("assessments:figure_grid", args=[wuwei.admin_code, 2021]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "此页面不存在" in page
    assert "返回首页" in page
    assert 'class="navbar' in page


def test_a_page_the_role_may_not_use_is_a_chinese_403(client, shangsi_official):
    client.force_login(shangsi_official)
    response = client.get(reverse("dashboards:city_dashboard", args=["450600"]))
    assert response.status_code == 403
    assert "您的角色不能使用此页面" in response.content.decode()


def test_the_500_page_renders_without_a_request_or_a_database():
    page = render_to_string("500.html")
    assert "服务器出错" in page
    assert "没有保存任何内容" in page
