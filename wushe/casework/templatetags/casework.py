"""The professional-methods section of a resident's file: their cases and groups, as far
as the person looking may know of them."""

from django import template

from wushe.casework import access, selectors
from wushe.groupwork.selectors import group_list

register = template.Library()


@register.inclusion_tag("casework/_resident_methods.html", takes_context=True)
def resident_methods(context, resident):
    user = context["request"].user
    # A sensitive case is not even shown to exist next to the client's name, outside its readers.
    cases = [c for c in selectors.case_list(user=user).filter(resident=resident).order_by("-opened_on")
             if not c.sensitive or access.may_read(user, c)]
    groups = group_list(user=user).filter(members__resident=resident).order_by("-starts_on")
    return {"cases": cases, "groups": groups, "resident": resident}
