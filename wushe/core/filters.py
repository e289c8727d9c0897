import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wushe.core.divisions import prefix_of, within
from wushe.core.models import AuditEntry, Station


def bootstrap(form) -> None:
    """Give a filter form's widgets Bootstrap's classes (filter bars are laid out by hand)."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if widget.input_type == "select" else "form-control"
        widget.attrs.setdefault("class", css)


class StationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    tier = django_filters.ChoiceFilter(label=_("层级"), choices=Station.Tier.choices, empty_label=_("全部层级"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Station.Status.choices, empty_label=_("全部状态"))
    under = django_filters.CharFilter(
        label=_("区划代码"), method="under_division",
        validators=[RegexValidator(r"^\s*\d{1,12}\s*$", _("区划代码应为不超过12位的数字。"))],
    )

    class Meta:
        model = Station
        fields = ["q", "tier", "status", "under"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(division__name__icontains=value)
            | Q(agency__name__icontains=value)
        )

    def under_division(self, queryset, name, value):
        # Narrows further inside what the selector already scoped; never widens it.
        value = value.strip()
        if not value.isdigit() or len(value) > 12:
            return queryset.none()
        return queryset.filter(within("division_id", prefix_of(value)))


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("操作人账号"), field_name="actor_name", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AuditEntry.Action.choices,
                                         empty_label=_("全部操作"))
    object_id = django_filters.CharFilter(label=_("对象编号"))
    # Set by links such as a resident file's "who opened this file"; not shown in the bar.
    object_type = django_filters.CharFilter(widget=forms.HiddenInput)
    # Compared as local-midnight instants, not at__date, so the index on ``at`` is usable.
    since = django_filters.DateFilter(label=_("起始日期"), method="from_day",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("截止日期"), method="through_day",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "object_id", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self.form)

    @staticmethod
    def _midnight(day, days_later: int = 0):
        """The start of ``day`` (plus ``days_later``) in the current time zone."""
        import datetime

        from django.utils import timezone

        day += datetime.timedelta(days=days_later)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min),
                                   timezone.get_current_timezone())

    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=self._midnight(value))

    def through_day(self, queryset, name, value):
        return queryset.filter(at__lt=self._midnight(value, days_later=1))
