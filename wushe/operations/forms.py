from django import forms
from django.utils.translation import gettext_lazy as _

from wushe.operations.models import Document, Plan, Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["station", "kind", "title", "starts_on", "ends_on", "notes"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        if self.instance.pk:
            del self.fields["station"]


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["what", "owner", "due_on"]
        widgets = {"due_on": DATE}


class DoneForm(forms.Form):
    result = forms.CharField(label=_("完成情况"), max_length=200)


class DocumentForm(forms.Form):
    station = forms.ModelChoiceField(label=_("站点"), queryset=None)
    kind = forms.ChoiceField(label=_("类别"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("制度名称"), max_length=100)
    effective_on = forms.DateField(label=_("施行日期"), widget=DATE)
    text = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations


class VersionForm(forms.Form):
    effective_on = forms.DateField(label=_("施行日期"), widget=DATE)
    change_note = forms.CharField(label=_("修订说明"), max_length=200)
    text = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}))
