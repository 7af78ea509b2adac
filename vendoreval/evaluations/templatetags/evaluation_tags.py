from django import template
from django.utils.html import format_html

from vendoreval.scoring import numbers

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def index(sequence, position):
    return sequence[position]


@register.filter
def get_title(criteria, key):
    criterion = criteria.get(key)
    return getattr(criterion, "local_title", criterion.title) if criterion else ""


@register.filter
def score(value, digits=1):
    """A score as every page, chart and report shows it (one rounding rule: `scoring.numbers.shown`)."""
    return "" if value is None else numbers.shown(value, int(digits))


@register.filter
def percent(share, digits=0):
    return "" if share is None else numbers.percent(share, int(digits))


@register.simple_tag
def autosave_attributes(save_url, field_id):
    """The htmx attributes of a text field that saves while the buyer types (its status part is swapped, never the
    text itself)."""
    return format_html('hx-post="{}" hx-trigger="input changed delay:800ms, change" hx-target="#{}-status" '
                       'hx-select="#{}-status" hx-swap="outerHTML" hx-sync="this:queue last" data-autosave',
                       save_url, field_id, field_id)
