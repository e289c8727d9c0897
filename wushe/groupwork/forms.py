from django import forms
from django.utils.translation import gettext_lazy as _

from wushe.groupwork.models import Group, Member, Session

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["station", "name", "kind", "aims", "target", "sessions_planned", "capacity", "starts_on", "room",
                  "budget", "leaders"]
        widgets = {"aims": TEXT, "starts_on": DATE, "leaders": forms.CheckboxSelectMultiple}
        help_texts = {"leaders": _("您本人自动成为带领者。")}

    def __init__(self, *args, stations, rooms, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["room"].queryset = rooms
        self.fields["leaders"].queryset = colleagues
        self.fields["leaders"].required = False


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["joined_on", "pre_assessment", "pre_score"]
        widgets = {"joined_on": DATE, "pre_assessment": forms.Textarea(attrs={"rows": 2})}


class MemberOutcomeForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["post_score", "feedback", "left_on"]
        widgets = {"left_on": DATE, "feedback": forms.Textarea(attrs={"rows": 2})}


class SessionPlanForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["held_on", "starts", "ends", "room", "place", "theme", "stage"]
        widgets = {"held_on": DATE, "starts": TIME, "ends": TIME}

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["stage"].required = False
        self.fields["stage"].choices = [c for c in self.fields["stage"].choices if c[0] != Group.Stage.CLOSED]


class SessionRecordForm(forms.ModelForm):
    present = forms.ModelMultipleChoiceField(queryset=None, label=_("出席组员"), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Session
        fields = ["present", "content", "observations", "reflection"]
        widgets = {"content": TEXT, "observations": TEXT, "reflection": TEXT}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members
        self.fields["present"].label_from_instance = lambda m: m.resident.name
        if self.instance.pk and self.instance.recorded:
            self.initial["present"] = [a.member_id for a in self.instance.attendance.filter(present=True)]


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("小组总结"), widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("目标达成情况、组员的变化（前后测）、带领者反思。"))
