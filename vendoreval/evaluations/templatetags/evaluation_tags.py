from django import template

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
    return criterion.title if criterion else ""


@register.filter
def score(value, digits=1):
    """A score as every page, chart and report shows it (one rounding rule: `scoring.numbers.shown`)."""
    return "" if value is None else numbers.shown(value, int(digits))


@register.filter
def percent(share, digits=0):
    return "" if share is None else numbers.percent(share, int(digits))
