from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.activities.forms import DATETIME
from wushe.volunteers.models import Project, RecordEntry, Shift, Team, Volunteer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class VolunteerForm(forms.ModelForm):
    """Staff register a volunteer who has agreed (on paper or in person) to their data being kept."""

    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    emergency_mobile = forms.CharField(label=_("紧急联系人电话"), max_length=20)

    # The three numbers are plain fields, never written back into the record by the form: a
    # stored number is not put into the page, and a blank one on editing keeps what is stored.
    class Meta:
        model = Volunteer
        fields = ["station", "name", "skills", "availability", "preferences", "emergency_name", "consent_on"]
        widgets = {"consent_on": DATE}

    field_order = ["station", "name", "id_number", "mobile", "skills", "availability", "preferences",
                   "emergency_name", "emergency_mobile", "consent_on"]

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["consent_on"].initial = timezone.localdate()
        self.fields["consent_on"].help_text = _("本人（或监护人）同意平台保存其信息的日期")
        if self.instance.pk:
            # A stored number is never put back into the page: blank keeps it.
            for field in ("id_number", "mobile", "emergency_mobile"):
                self.fields[field].required = False
                self.fields[field].help_text = _("留空则不修改（当前 %(m)s）") % {
                    "m": getattr(self.instance, {"id_number": "id_number_masked", "mobile": "mobile_masked",
                                                 "emergency_mobile": "emergency_masked"}[field])}
                self.initial[field] = ""
            del self.fields["station"]

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "station"}
        return {k: v for k, v in data.items() if v != "" or k not in ("id_number", "mobile", "emergency_mobile")}


class PublicVolunteerForm(VolunteerForm):
    """The volunteer registers themself on the station's phone page."""

    consent = forms.BooleanField(label=_("我同意站点为志愿服务记录保存以上信息，并承诺信息真实"),
                                 error_messages={"required": _("请先勾选同意，才能注册。")})
    answer = forms.IntegerField(label=_("验证"), help_text=_("请填写上面算式的结果"))

    class Meta(VolunteerForm.Meta):
        fields = ["name", "skills", "availability", "preferences", "emergency_name"]

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        self.order_fields(["name", "id_number", "mobile", "skills", "availability", "preferences", "emergency_name",
                           "emergency_mobile", "consent", "answer"])


class IdentifyForm(forms.Form):
    """A volunteer on a public page: their number and their own mobile."""

    number = forms.CharField(label=_("志愿者编号"), max_length=12)
    mobile = forms.CharField(label=_("手机号"), max_length=20)


class PublicIdentifyForm(IdentifyForm):
    answer = forms.IntegerField(label=_("验证"), help_text=_("请填写上面算式的结果"))


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["station", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        if self.instance.pk:
            del self.fields["station"]


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["station", "title", "category", "description", "requirements", "min_age", "max_age", "risky",
                  "insurance", "activity", "public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, stations, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["activity"].queryset = activities
        if self.instance.pk:
            del self.fields["station"]


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["position", "starts_at", "ends_at", "place", "needed"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = _DT_FORMATS
        self.fields["ends_at"].input_formats = _DT_FORMATS


class SignUpForm(forms.Form):
    """Staff put a volunteer on a shift: by number; the mobile too if they are another station's."""

    number = forms.CharField(label=_("志愿者编号"), max_length=12)
    mobile = forms.CharField(label=_("手机号（其他站点的志愿者须填写）"), max_length=20, required=False)


class HoursForm(forms.Form):
    started_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME, input_formats=_DT_FORMATS)
    ended_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME, input_formats=_DT_FORMATS)
    minutes = forms.IntegerField(label=_("实际服务时长（分钟）"), min_value=1,
                                 help_text=_("只计实际服务时间，不含往返路途。"))
    content = forms.CharField(label=_("服务内容"), max_length=200)


class EnterHoursForm(HoursForm):
    number = forms.CharField(label=_("志愿者编号"), max_length=12)
    mobile = forms.CharField(label=_("手机号（其他站点的志愿者须填写）"), max_length=20, required=False)
    shift = forms.ModelChoiceField(label=_("班次"), queryset=Shift.objects.none(), required=False)
    field_order = ["number", "mobile", "shift", "started_at", "ended_at", "minutes", "content"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = project.shifts.all()


class CorrectForm(HoursForm):
    reason = forms.CharField(label=_("更正原因"), max_length=200)


class RecordForm(forms.ModelForm):
    class Meta:
        model = RecordEntry
        fields = ["kind", "on", "content"]
        widgets = {"on": DATE}


class ProofForm(forms.Form):
    period_from = forms.DateField(label=_("起始日期"), widget=DATE)
    period_to = forms.DateField(label=_("截止日期"), widget=DATE)
    person = forms.CharField(label=_("负责人"), max_length=40, help_text=_("出具站点的负责人，默认为站长"))


class TimeBankForm(forms.Form):
    credits = forms.DecimalField(label=_("时间币"), max_digits=6, decimal_places=1,
                                 help_text=_("存入为正数，兑换服务为负数"))
    reason = forms.CharField(label=_("事由"), max_length=200)
