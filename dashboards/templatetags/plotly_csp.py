"""``{% plotly_stylesheets %}``: the style elements plotly.js would otherwise inject.

Under the Content-Security-Policy (docs/SECURITY.md) a ``<style>`` element
created by script is blocked. plotly.js looks its sheets up by id before
creating them, so the page carries them, empty and with the request's nonce:
plotly.js then adds its rules through the CSSOM (``insertRule``), which the
policy allows. Put the tag before the plotly.js script.
"""

from django import template
from django.utils.html import format_html_join

from ..staticfiles import PLOTLY_STYLE_IDS

register = template.Library()


@register.simple_tag(takes_context=True)
def plotly_stylesheets(context: template.Context) -> str:
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", "") if request is not None else ""
    return format_html_join(
        "\n", '<style id="{}" nonce="{}"></style>', ((i, nonce) for i in PLOTLY_STYLE_IDS)
    )
