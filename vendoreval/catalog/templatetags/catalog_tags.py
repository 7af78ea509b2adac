from django import template

from vendoreval.catalog.validators import is_web_url

register = template.Library()


@register.filter(name="is_web_url")
def is_web_url_filter(value) -> bool:
    """Only http(s) addresses become links: `{% if url|is_web_url %}<a href="{{ url }}">…`."""
    return is_web_url(value)
