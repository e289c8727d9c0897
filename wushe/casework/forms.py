"""Forms of case work: they parse input; the services validate the rules and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wushe.casework.models import Assessment, Case, Evaluation, FollowUp, GoalRating, Session, Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class IntakeForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["source", "presenting_problem", "urgency", "risk", "risk_note", "needs", "supervisor", "team",
                  "managed", "partners", "sensitive", "opened_on"]
        widgets = {"presenting_problem": TEXT, "risk_note": forms.Textarea(attrs={"rows": 2}),
                   "partners": forms.Textarea(attrs={"rows": 2}), "opened_on": DATE,
                   "needs": forms.CheckboxSelectMultiple, "team": forms.CheckboxSelectMultiple}

    def __init__(self, *args, needs, colleagues, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs
        self.fields["team"].queryset = colleagues
        self.fields["team"].label = _("团队其他成员")
        self.fields["team"].help_text = _("个案管理时与您协同的社工；团队成员可查看和记录个案内容。")
        self.fields["supervisor"].queryset = supervisors
        self.fields["supervisor"].help_text = _("不选时由站长审批。")


class AcceptForm(forms.Form):
    consent_by = forms.ChoiceField(label=_("知情同意人"), choices=Case.ConsentBy.choices)
    consent_on = forms.DateField(label=_("签署服务协议/知情同意书日期"), widget=DATE)


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(label=_("不予接案原因/转介去向"), widget=TEXT)


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["assessed_on", "person", "family", "environment", "strengths", "risks", "summary",
                  "need_analysis"]
        widgets = {"assessed_on": DATE, **{f: TEXT for f in ("person", "family", "environment", "strengths",
                                                            "risks", "summary", "need_analysis")}}


class PlanForm(forms.Form):
    """The plan with up to eight goals, one per row: 目标 | 指标."""

    aim = forms.CharField(label=_("总目标"), widget=TEXT)
    goals = forms.CharField(label=_("具体目标"), widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("每行一个目标，目标与可测量指标之间用“|”分隔，例如：改善睡眠 | 每晚睡眠达到6小时"))
    sessions_planned = forms.IntegerField(label=_("计划服务次数"), min_value=1, max_value=200, initial=6)
    note = forms.CharField(label=_("修订说明"), required=False, max_length=200,
                           help_text=_("修订已有计划时必填。"))

    def clean_goals(self):
        rows = [line for line in self.cleaned_data["goals"].splitlines() if line.strip()]
        if len(rows) > 8:
            raise forms.ValidationError(_("一份计划最多 8 个具体目标。"))
        return [tuple((line.replace("｜", "|").split("|", 1) + [""])[:2]) for line in rows]


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["text", "owner", "due_on"]
        widgets = {"due_on": DATE}

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["held_on", "minutes", "place", "method", "approach", "content", "progress", "next_step"]
        widgets = {"held_on": DATE, "content": TEXT, "progress": TEXT, "next_step": forms.Textarea(attrs={"rows": 2})}


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["evaluated_on", "client_feedback", "reflection"]
        widgets = {"evaluated_on": DATE, "client_feedback": TEXT, "reflection": TEXT}

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for g in self.goals:
            self.fields[f"goal_{g.pk}"] = forms.TypedChoiceField(
                label=_("目标 %(n)d：%(t)s（指标：%(i)s）") % {"n": g.order, "t": g.text, "i": g.indicator},
                choices=GoalRating.Attainment.choices, coerce=int, widget=forms.RadioSelect)

    def ratings(self) -> dict[int, int]:
        return {g.pk: self.cleaned_data.get(f"goal_{g.pk}") for g in self.goals}

    def record_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self._meta.fields}


class CloseForm(forms.Form):
    closure_reason = forms.ChoiceField(label=_("结案原因"), choices=[("", "---------"), *Case.ClosureReason.choices])
    closure_summary = forms.CharField(label=_("结案小结"), widget=TEXT)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["done_on", "notes"]
        widgets = {"done_on": DATE, "notes": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].required = True
        self.fields["notes"].required = True


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, label=_("授权查看人"))
    reason = forms.CharField(label=_("授权原因"), max_length=200)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class PolicyForm(forms.Form):
    approve_assessment = forms.BooleanField(label=_("预估须审批"), required=False)
    approve_plan = forms.BooleanField(label=_("服务计划须审批"), required=False)
    approve_closure = forms.BooleanField(label=_("结案须审批"), required=False)


class ReferralForm(forms.ModelForm):
    class Meta:
        from wushe.casework.models import Referral

        model = Referral
        fields = ["to_station", "to_agency", "to_kind", "reason", "shared_info", "consent", "consent_on",
                  "override_reason"]
        widgets = {"reason": TEXT, "shared_info": TEXT, "consent_on": DATE,
                   "override_reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"to_station": _("平台内的其他社工站；平台外机构请填写下面两项。"),
                      "override_reason": _("仅在服务对象不同意、但确需转介（如危及人身安全）时，由站长填写。")}

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_station"].queryset = stations


class ReferralResponseForm(forms.Form):
    response_note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralOutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("转介结果"), widget=TEXT)
