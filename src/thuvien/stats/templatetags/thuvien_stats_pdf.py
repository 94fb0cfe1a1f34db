from django import template

from thuvien.stats.charts import format_number

register = template.Library()


@register.filter
def vn_number(value, digits: int = 0) -> str:
    """1.234.567 and 12,5; a dash for no figure (never a zero)."""
    if value is None or value == "":
        return "–"
    if digits == 0 and value != int(value):
        digits = 2
    return format_number(value, digits)
