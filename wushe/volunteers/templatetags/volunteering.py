from django import template

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes of service as hours with one decimal (志愿服务时长 is reported in hours)."""
    return f"{(minutes or 0) / 60:.1f}"
