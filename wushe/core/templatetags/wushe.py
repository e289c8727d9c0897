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


@register.filter
def field_label(form, name: str) -> str:
    """The label of a form field by name (for listing a filter form's errors)."""
    field = form.fields.get(name)
    return field.label if field is not None else name
