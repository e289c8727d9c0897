from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wushe.core.forms import PhotosField
from wushe.core.pii import normalize_id_number, normalize_mobile
from wushe.people.models import Need, Resident, Tag, TransferRequest, Visit

# Encrypted fields: never shown back in a form; blank on an edit means "keep".
SECRET_FIELDS = ("id_number", "mobile", "guardian_phone")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResidentForm(forms.ModelForm):
    """Parses input; the service validates and saves. ID number and mobile are never shown
    back in the form: left blank on an edit, they stay as they are."""

    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=24)
    mobile = forms.CharField(label=_("手机号"), required=False, max_length=20)
    guardian_phone = forms.CharField(label=_("监护人/紧急联系人电话"), required=False, max_length=20)
    tags = forms.ModelMultipleChoiceField(Tag.objects.filter(active=True), label=_("人员类别"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Resident
        fields = ["station", "community", "name", "id_number", "birth_date", "sex", "mobile", "ethnicity",
                  "address", "living",
                  "guardian_name", "guardian_phone", "disability_type", "disability_grade", "income", "risk",
                  "visit_every_days", "tags", "consent_by", "consent_method", "consent_on", "note"]
        widgets = {"consent_on": DATE, "birth_date": DATE, "note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"birth_date": _("有身份证号时自动从号码读出，无需填写。")}

    def __init__(self, *args, stations, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda d: d.short_name
        if self.instance.pk:
            # A category stopped since stays on the files that have it (an edit must not drop it).
            self.fields["tags"].queryset = Tag.objects.filter(Q(active=True) | Q(residents=self.instance)).distinct()
        if self.instance.pk and self.instance.id_number:
            # Read from the ID number; shown back it would complete the masked ID.
            del self.fields["birth_date"]
            del self.fields["sex"]
        if self.instance.pk:
            for name in SECRET_FIELDS:
                value = getattr(self.instance, name)
                self.initial[name] = ""
                if value:
                    self.fields[name].help_text = _("当前：%(v)s。留空表示不修改。") % {"v": value.masked}

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        return normalize_id_number(value) if value else None

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        return normalize_mobile(value) if value else None

    def clean_guardian_phone(self):
        value = self.cleaned_data["guardian_phone"].strip()
        return normalize_mobile(value) if value else None

    def service_data(self) -> dict:
        """What to hand to the service: blank secret fields mean "keep" on an edit."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "tags"}
        if data.get("id_number") or (data.get("id_number") is None and self.instance.id_number):
            # Birth date and sex are read from the ID number; the form's fields are for people without one.
            data.pop("birth_date", None)
            data.pop("sex", None)
        for name in SECRET_FIELDS:
            if data.get(name) is None:
                if self.instance.pk:
                    data.pop(name)
                else:
                    data[name] = ""
        return data

    def _post_clean(self):
        pass


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["category", "description", "source", "urgency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=Need.Status.choices)
    reason = forms.CharField(label=_("说明"), required=False, max_length=200)


class VisitForm(forms.ModelForm):
    need_category = forms.ChoiceField(label=_("发现的需求（可选）"), required=False,
                                      choices=[("", "—")] + list(Need.Category.choices))
    need_description = forms.CharField(label=_("需求描述"), required=False, max_length=500)
    photos = PhotosField(label=_("照片/附件"), help_text=_("可多选；JPG、PNG、WebP 或 PDF，每个不超过 10 MB。照片的位置等信息会被去除。"))

    class Meta:
        model = Visit
        fields = ["visited_on", "kind", "findings", "risk"]
        widgets = {"visited_on": DATE, "findings": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("need_category") and not data.get("need_description"):
            self.add_error("need_description", _("请描述发现的需求。"))
        return data

    def needs(self) -> list[dict]:
        if not self.cleaned_data.get("need_category"):
            return []
        return [{"category": self.cleaned_data["need_category"],
                 "description": self.cleaned_data["need_description"]}]

    def _post_clean(self):
        pass


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("台账文件"), help_text=_("Excel（.xlsx/.xls）或 CSV；第一个工作表中需有“姓名”等表头。"))
    station = forms.ModelChoiceField(queryset=None, label=_("建档站点"))
    community = forms.ModelChoiceField(queryset=None, label=_("默认社区/村"), required=False,
                                       help_text=_("文件中没有“社区”列，或某行社区为空时使用。"))
    consent_on = forms.DateField(label=_("知情同意书签署日期"), required=False, widget=DATE,
                                 help_text=_("若本批居民已签署书面知情同意书，请填写日期；否则只能导入姓名、社区等最少信息。"))

    MAX_BYTES = 50 * 1024 * 1024

    def __init__(self, *args, stations, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda d: d.short_name

    def clean_file(self):
        f = self.cleaned_data["file"]
        suffix = "." + f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
        if suffix not in (".xlsx", ".xls", ".xlsm", ".csv"):
            raise forms.ValidationError(_("请上传 .xlsx、.xls 或 .csv 文件。"))
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError(_("文件超过 50 MB，请拆分后再导入，或由管理员用命令行导入。"))
        return f


class TransferRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("申请类型"), choices=TransferRequest.Kind.choices,
                             help_text=_("迁入本辖区请选“转移档案”；两站共同服务请选“共享查看”（只读）。"))
    id_number = forms.CharField(label=_("身份证号"), max_length=24)
    to_station = forms.ModelChoiceField(queryset=None, label=_("申请站点"))
    to_community = forms.ModelChoiceField(queryset=None, label=_("迁入社区/村"))
    reason = forms.CharField(label=_("申请理由"), max_length=200)

    def __init__(self, *args, stations, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_station"].queryset = stations
        self.fields["to_community"].queryset = communities
        self.fields["to_community"].label_from_instance = lambda d: d.short_name

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data["id_number"])


class SurveyForm(forms.Form):
    station = forms.ModelChoiceField(queryset=None, label=_("站点"))
    title = forms.CharField(label=_("问卷标题"), max_length=100)
    intro = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("题目"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("题型"), choices=[("single", _("单选")), ("multiple", _("多选")),
                                                      ("text", _("填空"))])
    options = forms.CharField(label=_("选项（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    need_option = forms.CharField(label=_("选择此项时登记需求"), max_length=50, required=False)
    need_category = forms.ChoiceField(label=_("需求类别"), required=False,
                                      choices=[("", "—")] + list(Need.Category.choices))


QuestionFormSet = forms.formset_factory(QuestionForm, extra=5, max_num=30)


def response_form(survey, *, residents, communities, data=None):
    """A form with one field per question of the survey."""
    fields = {
        # Chosen by searching above the form, not from a list: a station may hold 10,000 people.
        "resident": forms.ModelChoiceField(residents, required=False, widget=forms.HiddenInput, error_messages={
            "invalid_choice": _("所选服务对象不在本站点，或已不存在，请重新查找。")}),
        "community": forms.ModelChoiceField(communities, label=_("社区/村"), required=False,
                                            help_text=_("未选择服务对象时必填。")),
    }
    for q in survey.questions.all():
        choices = [(o, o) for o in q.option_list]
        label = f"{q.order}. {q.text}"
        if q.kind == "single":
            fields[f"q{q.pk}"] = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)
        elif q.kind == "multiple":
            fields[f"q{q.pk}"] = forms.MultipleChoiceField(label=label, choices=choices,
                                                           widget=forms.CheckboxSelectMultiple)
        else:
            fields[f"q{q.pk}"] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    form_class = type("SurveyResponseForm", (forms.Form,), fields)
    form = form_class(data)
    form.fields["community"].label_from_instance = lambda d: d.short_name
    return form


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "description", "sort_order", "active"]
        help_texts = {
            "name": _("改名后，已登记的服务对象和统计中的“按服务人群”分类随之改名。"),
            "active": _("停用后不再出现在登记和导入的可选类别中；已登记的服务对象保留该类别。"),
        }
        error_messages = {"name": {"unique": _("清单中已有这个名称的人员类别。")}}
