from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.core.forms import DivisionCodeField
from wushe.core.models import Agency
from wushe.workforce.models import (
    SUBJECTS,
    Exam,
    Level,
    Policy,
    StaffingRule,
    Training,
    TrainingRule,
    TrainingSession,
    Worker,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkerForm(forms.ModelForm):
    """A profile. The mobile is a plain field, never put back into the page: blank on editing
    keeps what is stored."""

    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False)
    username = forms.CharField(label=_("平台账号（用户名）"), max_length=150, required=False,
                               help_text=_("本人在本站点的登录账号，关联后本人可在“我的社工档案”查看；留空则不关联"))

    class Meta:
        model = Worker
        fields = ["name", "station", "agency", "post", "grade", "education", "major", "joined_on"]
        widgets = {"joined_on": DATE}

    field_order = ["name", "station", "agency", "post", "grade", "education", "major", "mobile", "joined_on",
                   "username"]

    def __init__(self, *args, stations, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["agency"].queryset = Agency.objects.order_by("name")
        self.fields["grade"].queryset = grades
        self.fields["grade"].label_from_instance = lambda g: f"{g.ladder.name} · {g}"
        if self.instance.pk:
            self.fields["mobile"].help_text = _("留空则不修改（当前 %(m)s）") % {"m": self.instance.mobile_masked or "—"}
            self.initial["username"] = self.instance.user.username if self.instance.user_id else ""
        else:
            self.fields["joined_on"].initial = timezone.localdate()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk and not data.get("mobile"):
            data.pop("mobile", None)  # blank keeps the stored number
        return data

    def _post_clean(self):
        pass  # the service validates and saves


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("离岗日期"), widget=DATE, required=False)


class QualificationForm(forms.Form):
    level = forms.TypedChoiceField(label=_("资格等级"), choices=Level.choices, coerce=int)
    certificate_number = forms.CharField(label=_("证书编号"), max_length=40)
    obtained_on = forms.DateField(label=_("取得日期"), widget=DATE)


class QualificationEndForm(forms.Form):
    ended_on = forms.DateField(label=_("失效日期"), widget=DATE)
    reason = forms.CharField(label=_("失效原因"), max_length=100, help_text=_("如：登记有效期满未延续、证书被注销"))


class ExamForm(forms.ModelForm):
    subjects_passed = forms.MultipleChoiceField(
        label=_("通过科目"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(str(Level(level).label), [(c, label) for c, label in subjects]) for level, subjects in SUBJECTS.items()],
        help_text=_("只勾选与报考级别对应的科目"))

    class Meta:
        model = Exam
        fields = ["year", "level", "results_in", "subjects_passed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year

    def _post_clean(self):
        pass


class TrainingForm(forms.ModelForm):
    division = DivisionCodeField(label=_("主办区划代码"), required=False,
                                 help_text=_("街道或区级主办的培训填写区划代码（如 340104005）；站点主办的选择站点即可"))

    class Meta:
        model = Training
        fields = ["kind", "title", "station", "division", "audience", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["station"].required = False
        if self.instance.pk:
            del self.fields["station"]
            del self.fields["division"]

    def _post_clean(self):
        pass


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["held_on", "hours", "topic", "trainer", "place"]
        widgets = {"held_on": DATE}

    def _post_clean(self):
        pass


class StaffingRuleForm(forms.ModelForm):
    division = DivisionCodeField(label=_("适用区划代码"), help_text=_("如 340104（蜀山区）或 340104005（西园街道）"))

    class Meta:
        model = StaffingRule
        fields = ["division", "tier", "kind", "minimum", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["division"]

    def _post_clean(self):
        pass


class TrainingRuleForm(StaffingRuleForm):
    class Meta:
        model = TrainingRule
        fields = ["division", "tier", "kind", "minimum", "note"]


class PolicyForm(StaffingRuleForm):
    class Meta:
        model = Policy
        fields = ["division", "ce_hours", "ce_years", "subsidy_assistant", "subsidy_social", "subsidy_senior",
                  "full_time_only", "note"]


class LadderForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=40, help_text=_("如：三岗十八级"))
    division = DivisionCodeField(label=_("适用区划代码"))
    posts = forms.CharField(label=_("岗位（每行一个）"), widget=forms.Textarea(attrs={"rows": 3}))
    levels = forms.IntegerField(label=_("每个岗位的级数"), min_value=1, max_value=30)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_posts(self):
        return [p for p in self.cleaned_data["posts"].splitlines() if p.strip()]
