from django import forms
from django.utils.translation import gettext_lazy as _

from wushe.core.forms import PhotosField
from wushe.projects import indicators
from wushe.projects.models import BudgetLine, Evaluation, Expenditure, ScoringSheet, ServiceProject

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ServiceProject
        fields = ["title", "kind", "division", "funder", "funding_source", "contractor", "budget", "starts_on",
                  "ends_on", "stations", "target_groups", "summary", "outcomes"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "stations": forms.CheckboxSelectMultiple,
                   "summary": forms.Textarea(attrs={"rows": 3}), "outcomes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, divisions, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["division"].label_from_instance = lambda d: f"{d.name}（{d.code}）"
        self.fields["stations"].queryset = stations


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"), choices=[])
    value = forms.DecimalField(label=_("目标值"), min_value=0, max_digits=12, decimal_places=1, required=False,
                               help_text=_("留空则删除该指标的目标"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators.choices()


class AdvanceForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "name", "amount"]


class ExpenditureForm(forms.ModelForm):
    files = PhotosField(label=_("票据/凭证（图片或PDF）"), max_files=6)

    class Meta:
        model = Expenditure
        fields = ["line", "spent_on", "amount", "description"]
        widgets = {"spent_on": DATE}

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines


class SheetForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    lines = forms.CharField(label=_("评估内容"), widget=forms.Textarea(attrs={"rows": 8}),
                            help_text=_("每行一项：维度|评估内容|分值。维度为 项目管理、服务产出、服务成效、服务对象满意度、专业性 之一。"))


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(label=_("评估类型"), choices=Evaluation.Kind.choices)
    sheet = forms.ModelChoiceField(label=_("评估指标体系"), queryset=ScoringSheet.objects.all())
    evaluator = forms.CharField(label=_("评估机构（第三方）"), max_length=100)
    evaluated_on = forms.DateField(label=_("评估日期"), widget=DATE)
    findings = forms.CharField(label=_("评估发现"), widget=forms.Textarea(attrs={"rows": 3}))
    rectifications = forms.CharField(
        label=_("整改事项"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项：整改内容|期限（如：补齐服务对象签字|2026-12-31），没有可留空。"))

    def __init__(self, *args, sheet=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(sheet.criteria.all()) if sheet else []
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.DecimalField(
                label=f"{c.get_dimension_display()} · {c.item}（{c.points}分）", min_value=0, max_value=c.points,
                max_digits=5, decimal_places=1)

    def clean_rectifications(self):
        import datetime

        items = []
        for n, raw in enumerate(self.cleaned_data["rectifications"].splitlines(), 1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.replace("｜", "|").split("|")]
            try:
                items.append((parts[0], datetime.date.fromisoformat(parts[1])))
            except (IndexError, ValueError) as exc:
                raise forms.ValidationError(_("第%(n)s行：应为“整改内容|期限”，期限如 2026-12-31。") % {"n": n}) from exc
        return items

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}


class RectificationForm(forms.Form):
    result = forms.CharField(label=_("整改情况"), max_length=200)
