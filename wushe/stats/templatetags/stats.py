from django import template

register = template.Library()


@register.filter
def figure(value) -> str:
    """A figure as people read it: thousands separated, "—" where there is none."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


@register.filter
def value_of(values: dict, key: str):
    return values.get(key)
