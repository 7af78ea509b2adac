from django import template

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
