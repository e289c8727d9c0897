from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.stats import selectors
from wushe.stats.models import Report
from wushe.stats.periods import Period, PeriodError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    """Which report: the scope (a division the user oversees) and the period."""

    division = forms.CharField(label=_("范围（区划代码）"), max_length=12,
                               help_text=_("默认是您管辖范围的顶层；也可填下级街道、社区的区划代码。"))
    kind = forms.ChoiceField(label=_("报表类型"), choices=Report.Kind.choices)
    at = forms.DateField(label=_("所在日期"), required=False, widget=DATE,
                         help_text=_("月报、季报、年报：该期内任意一天。"))
    start = forms.DateField(label=_("开始日期"), required=False, widget=DATE, help_text=_("仅自定义时段"))
    end = forms.DateField(label=_("结束日期"), required=False, widget=DATE, help_text=_("仅自定义时段"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @staticmethod
    def initial_for(request) -> dict:
        roots = selectors.scope_roots(user=request.user)
        last_month = timezone.localdate().replace(day=1) - timezone.timedelta(days=1)
        return {"division": request.GET.get("division") or (roots[0].code if roots else ""), "kind": "month",
                "at": last_month}

    def clean_division(self):
        from django.http import Http404

        try:
            return selectors.scope_get(user=self.user, code=self.cleaned_data["division"].strip())
        except Http404:
            raise ValidationError(_("没有这个区划，或不在您的管辖范围内。")) from None

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        params = {"period": kind}
        if kind == "custom":
            if not data.get("start") or not data.get("end"):
                raise ValidationError(_("自定义时段须填写开始日期和结束日期。"))
            params.update({"from": data["start"].isoformat(), "to": data["end"].isoformat()})
        else:
            params["at"] = (data.get("at") or timezone.localdate()).isoformat()
        try:
            data["period"] = Period.parse(params)
        except PeriodError as e:
            raise ValidationError(str(e)) from None
        return data

    @property
    def cleaned(self) -> dict:
        return {"division": self.cleaned_data["division"], "period": self.cleaned_data["period"]}
