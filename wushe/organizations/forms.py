from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.core.forms import PhotosField
from wushe.organizations.models import (
    AnnualReport,
    CapacityAssessment,
    Member,
    Mentoring,
    Organization,
    Stage,
    TrainingRecord,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_PROTECTED = {"responsible_id_number": "responsible_id_masked", "responsible_mobile": "responsible_mobile_masked"}


class OrganizationForm(forms.ModelForm):
    """Filing (备案) or a registered organization (登记). The responsible person's ID and mobile
    are plain fields never filled from the record: a stored number is not put into the page,
    and leaving one blank on editing keeps what is stored."""

    responsible_id_number = forms.CharField(label=_("负责人身份证号"), max_length=20)
    responsible_mobile = forms.CharField(label=_("负责人手机号"), max_length=20)
    charter_files = PhotosField(label=_("章程附件"), help_text=_("章程扫描件或照片（PDF、JPG、PNG），可多选"))

    class Meta:
        model = Organization
        fields = ["name", "kind", "legal_form", "category", "division", "filing_number", "credit_code", "filed_on",
                  "responsible_name", "core_members", "headcount", "place", "business_scope", "charter", "guidance",
                  "uses_membership"]
        widgets = {"filed_on": DATE, "core_members": forms.Textarea(attrs={"rows": 3}),
                   "business_scope": forms.Textarea(attrs={"rows": 3}), "charter": forms.Textarea(attrs={"rows": 4}),
                   "guidance": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"filing_number": _("备案组织必填，全平台唯一"),
                      "credit_code": _("登记为社会团体、民办非企业单位的必填"),
                      "kind": _("备案：在社区/街道备案；登记：在民政部门登记")}

    field_order = ["name", "kind", "legal_form", "category", "division", "filing_number", "credit_code", "filed_on",
                   "responsible_name", "responsible_id_number", "responsible_mobile", "core_members", "headcount",
                   "place", "business_scope", "charter", "charter_files", "guidance", "uses_membership"]

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["division"].label_from_instance = lambda d: f"{d.short_name}（{d.code}）"
        self.fields["legal_form"].required = False
        if not self.instance.pk:
            self.fields["filed_on"].initial = timezone.localdate()
        else:
            for field, masked in _PROTECTED.items():
                self.fields[field].required = False
                self.fields[field].help_text = _("留空则不修改（当前 %(m)s）") % {"m": getattr(self.instance, masked)}
                self.initial[field] = ""

    def _post_clean(self):
        # Validation and saving are the service's job; the form only parses input.
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "charter_files"}
        return {k: v for k, v in data.items() if v != "" or k not in _PROTECTED}


class DissolveForm(forms.Form):
    on = forms.DateField(label=_("注销日期"), widget=DATE)
    reason = forms.CharField(label=_("注销原因"), max_length=200,
                             help_text=_("如：成员迁出、活动停止、合并到其他组织"))


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["year", "members", "activities_held", "income", "expenditure", "finance_note", "summary",
                  "submitted_on"]
        widgets = {"submitted_on": DATE, "finance_note": forms.Textarea(attrs={"rows": 2}),
                   "summary": forms.Textarea(attrs={"rows": 4})}

    def _post_clean(self):
        pass


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "joined_on", "fee_year", "left_on"]
        widgets = {"joined_on": DATE, "left_on": DATE}
        help_texts = {"name": _("只记姓名，不收集证件号码"), "left_on": _("退会时填写，名单中保留记录")}

    def _post_clean(self):
        pass


class IncubationForm(forms.Form):
    station = forms.ModelChoiceField(queryset=None, label=_("孵化站点"))
    mentor = forms.CharField(label=_("导师"), max_length=60, help_text=_("负责辅导的社工或专家"))
    on = forms.DateField(label=_("意向登记日期"), widget=DATE)

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["on"].initial = timezone.localdate()


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("变更为"))
    on = forms.DateField(label=_("开始日期"), widget=DATE)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("退出孵化时必填原因"))

    def __init__(self, *args, incubation, mentoring_needed: int, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(Stage.WITHDRAWN, Stage.WITHDRAWN.label)]
        if incubation.next_stage:
            choices.insert(0, (incubation.next_stage, Stage(incubation.next_stage).label))
        self.fields["stage"].choices = choices
        self.fields["stage"].help_text = _("阶段只能逐级推进，或选择退出。") + (
            _("出壳须至少1次能力评估和%(n)s条辅导记录。") % {"n": mentoring_needed}
            if incubation.next_stage == Stage.GRADUATED else "")
        self.fields["on"].initial = timezone.localdate()


class MentoringForm(forms.ModelForm):
    class Meta:
        model = Mentoring
        fields = ["on", "mentor", "content"]
        widgets = {"on": DATE, "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].required = False
        self.fields["mentor"].help_text = _("留空即为本孵化的导师")
        self.fields["on"].initial = timezone.localdate()

    def _post_clean(self):
        pass


_SCORES = [(n, str(n)) for n in range(1, 6)]


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = CapacityAssessment
        fields = ["on", "governance", "finance", "services", "volunteers", "note"]
        widgets = {"on": DATE, "note": forms.Textarea(attrs={"rows": 3}),
                   **{d: forms.Select(choices=_SCORES) for d in CapacityAssessment.DIMENSIONS}}
        help_texts = {"governance": _("章程、负责人、议事规则与制度"), "finance": _("账目、票据、资金来源"),
                      "services": _("活动开展与居民反馈"), "volunteers": _("志愿者招募、管理与激励")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def _post_clean(self):
        pass


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["on", "course", "hours", "attendees"]
        widgets = {"on": DATE}

    def _post_clean(self):
        pass


class LinkActivityForm(forms.Form):
    activity = forms.IntegerField(label=_("社区活动"))


class LinkProjectForm(forms.Form):
    project = forms.IntegerField(label=_("志愿服务项目"))
