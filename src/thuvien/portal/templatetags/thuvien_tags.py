"""Template helpers available in every template (registered as builtins in settings)."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:code }}``: look a key up in a dict, empty when absent."""
    if not mapping:
        return ""
    return mapping.get(key, key)
