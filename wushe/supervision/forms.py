from django import forms
from django.utils.translation import gettext_lazy as _

from wushe.supervision.models import SupervisionSession, Supervisor

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupervisorForm(forms.ModelForm):
    class Meta:
        model = Supervisor
        fields = ["name", "kind", "user", "organization", "qualification", "specialties", "division", "active"]

    def __init__(self, *args, divisions, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["user"].queryset = users


class SessionForm(forms.ModelForm):
    class Meta:
        model = SupervisionSession
        fields = ["station", "supervisor", "kind", "held_on", "minutes", "attendees", "topics", "record", "actions",
                  "cases", "groups"]
        widgets = {"held_on": DATE, "record": forms.Textarea(attrs={"rows": 5}),
                   "actions": forms.Textarea(attrs={"rows": 2}), "attendees": forms.CheckboxSelectMultiple,
                   "cases": forms.CheckboxSelectMultiple, "groups": forms.CheckboxSelectMultiple}
        help_texts = {"cases": _("只列出您可查看内容的本站个案。")}

    def __init__(self, *args, stations, supervisors, attendees, cases, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["supervisor"].queryset = supervisors
        self.fields["attendees"].queryset = attendees
        self.fields["cases"].queryset = cases
        self.fields["groups"].queryset = groups
        self.fields["cases"].label_from_instance = lambda c: f"{c.number}（{c.get_stage_display()}）"
