"""``{% remembered "name" vary… %}…{% endremembered %}``: a fragment of a page kept in the shared
cache (fdi_portal/cache.py) until the data changes.

For the parts of a dashboard that take longer to render than to compute once they are computed
(the city dashboard: its tables and chart data). The fragment is kept per language and day and
per value of each ``vary`` expression, which must name everything the fragment shows besides
the data (the city, the period, the reader's role or id where the fragment differs by reader).
A posting form may be inside: its ``{% csrf_token %}`` is kept as a placeholder, and each
request's own token is written in its place when the fragment is served (the token belongs to a
session, the fragment to every session of its reader). The placeholder is drawn at random each
time a fragment is rendered and kept with it, so no text a user wrote can be taken for it.

The fragment is retired by the writes of the cities named among the ``vary`` values (a City, or
a tuple holding one), by any city's writes when none is named.
"""

from __future__ import annotations

import secrets

from django import template
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

from fdi_portal import cache

register = template.Library()

#: The context variable that holds the placeholder of the kept fragment being rendered.
PLACEHOLDER = "_remembered_csrf_placeholder"


class RememberedNode(template.Node):
    def __init__(self, nodelist, name, vary) -> None:
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context) -> str:
        name = f"fragment:{self.name.resolve(context)}"
        parts = tuple(expression.resolve(context) for expression in self.vary)
        placeholder, html = cache.remembered(
            name, parts, lambda: self.render_kept(context), cities=cache.cities_in(parts)
        )
        if placeholder in html:
            # Inside another kept fragment, the outer one's placeholder (it replaces it in turn).
            outer = context.get(PLACEHOLDER)
            html = html.replace(placeholder, outer or get_token(context["request"]))
        return mark_safe(html)  # noqa: S308 — rendered by the template engine, escaped there

    def render_kept(self, context) -> tuple[str, str]:
        """The fragment, with a placeholder of letters and digits (as a real token: escaping
        leaves it alone) where a token goes, and the placeholder."""
        placeholder = secrets.token_hex(24)
        with context.push(csrf_token=placeholder, **{PLACEHOLDER: placeholder}):
            return placeholder, str(self.nodelist.render(context))


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
