"""``{% remembered "name" vary… %}…{% endremembered %}``: a fragment of a page kept in the shared
cache (fdi_portal/cache.py) until the data changes.

For the parts of a dashboard that take longer to render than to compute once they are computed
(the city dashboard: its tables and chart data). The fragment is kept per language and day and
per value of each ``vary`` expression, which must name everything the fragment shows besides
the data (the city, the period, the reader's role or id where the fragment differs by reader).
A posting form may be inside: its ``{% csrf_token %}`` is kept as a placeholder, and each
request's own token is written in its place when the fragment is served (the token belongs to a
session, the fragment to every session of its reader).
"""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

from fdi_portal import cache

register = template.Library()

#: What ``{% csrf_token %}`` writes in a kept fragment (letters and digits, as a real token:
#: escaping leaves it alone), replaced by the request's token when the fragment is served.
CSRF_PLACEHOLDER = "csrfPlaceholderOfAKeptFragment"


class RememberedNode(template.Node):
    def __init__(self, nodelist, name, vary) -> None:
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context) -> str:
        name = f"fragment:{self.name.resolve(context)}"
        parts = tuple(expression.resolve(context) for expression in self.vary)
        html = cache.remembered(name, parts, lambda: self.render_kept(context))
        # Inside another kept fragment, the placeholder stays for the outer one to replace.
        if CSRF_PLACEHOLDER in html and context.get("csrf_token") != CSRF_PLACEHOLDER:
            html = html.replace(CSRF_PLACEHOLDER, get_token(context["request"]))
        return mark_safe(html)  # noqa: S308 — rendered by the template engine, escaped there

    def render_kept(self, context) -> str:
        with context.push(csrf_token=CSRF_PLACEHOLDER):
            return str(self.nodelist.render(context))


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
