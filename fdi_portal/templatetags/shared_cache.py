"""``{% remembered "name" vary… %}…{% endremembered %}``: a fragment of a page kept in the shared
cache (fdi_portal/cache.py) until the data changes.

For the parts of a dashboard that take longer to render than to compute once they are computed
(the city dashboard: its tables and chart data). The fragment is kept per language and day and
per value of each ``vary`` expression, which must name everything the fragment shows besides
the data (the city, the period, the reader's role or id where the fragment differs by reader).
Never around a form that posts: its CSRF token belongs to one session.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from fdi_portal import cache

register = template.Library()


class RememberedNode(template.Node):
    def __init__(self, nodelist, name, vary) -> None:
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context) -> str:
        name = f"fragment:{self.name.resolve(context)}"
        parts = tuple(expression.resolve(context) for expression in self.vary)
        html = cache.remembered(name, parts, lambda: str(self.nodelist.render(context)))
        return mark_safe(html)  # noqa: S308 — rendered by the template engine, escaped there


@register.tag
def remembered(parser, token) -> RememberedNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name: {{% {bits[0]} 'name' … %}}")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    return RememberedNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
