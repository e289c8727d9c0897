from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate in percent, one decimal; an em dash where there is nothing to divide by."""
    if value is None:
        return "—"
    return f"{value:.1f}%"


@register.simple_tag
def station_status(value: str, label: str):
    from wushe.core.tables import status_badge

    return status_badge(value, label)
