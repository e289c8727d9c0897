from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.charity.models import (
    CharityProject,
    CommitteeMember,
    Donation,
    DonationItem,
    DonationPoint,
    Donor,
    Fund,
    FundEntry,
    ResourceLink,
)
from wushe.core.forms import PhotosField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _station_field(form, stations):
    """The station is chosen once, on creating; a station user has just theirs."""
    if form.instance.pk:
        del form.fields["station"]
        return
    form.fields["station"].queryset = stations
    if len(stations) == 1:
        form.fields["station"].initial = stations[0]


class DonorForm(forms.ModelForm):
    # The phone is a plain field, never written back into the page from the record: a blank
    # one on editing keeps what is stored.
    mobile = forms.CharField(label=_("联系电话（手机）"), max_length=20, required=False,
                             help_text=_("个人捐赠方本人或单位联系人的手机号，加密保存，列表中只显示部分号码"))

    class Meta:
        model = Donor
        fields = ["station", "kind", "name", "credit_code", "contact_name", "mobile", "address", "named_publicly",
                  "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        _station_field(self, stations)
        if self.instance.pk:
            self.initial["mobile"] = ""
            if self.instance.mobile_masked:
                self.fields["mobile"].help_text = _("留空则不修改（当前 %(m)s）") % {"m": self.instance.mobile_masked}

    def _post_clean(self):
        pass  # the service validates and saves

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "station"}
        if self.instance.pk and not data.get("mobile"):
            data.pop("mobile", None)
        return data


class FundForm(forms.ModelForm):
    class Meta:
        model = Fund
        fields = ["station", "name", "host_name", "sub_account", "serves", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, stations, areas, **kwargs):
        super().__init__(*args, **kwargs)
        _station_field(self, stations)
        self.fields["serves"].queryset = areas
        self.fields["serves"].label_from_instance = lambda d: f"{d.short_name}（{d.code}）"

    def _post_clean(self):
        pass


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["name", "role", "affiliation", "joined_on"]
        widgets = {"joined_on": DATE}

    def _post_clean(self):
        pass


class DonationForm(forms.ModelForm):
    station = forms.ModelChoiceField(queryset=None, label=_("登记站点"))

    class Meta:
        model = Donation
        fields = ["station", "donor", "kind", "amount", "received_on", "purpose", "restricted", "fund", "project",
                  "need", "receipt_number", "receipt_on", "note"]
        widgets = {"received_on": DATE, "receipt_on": DATE, "note": forms.Textarea(attrs={"rows": 2}),
                   "kind": forms.RadioSelect}

    def __init__(self, *args, stations, donors, funds, projects, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        if len(stations) == 1:
            self.fields["station"].initial = stations[0]
        self.fields["donor"].queryset = donors
        self.fields["fund"].queryset = funds
        self.fields["project"].queryset = projects
        self.fields["need"].queryset = needs
        self.fields["need"].label_from_instance = lambda n: f"{n.resident.name if n.resident_id else ''} {n}".strip()
        self.fields["amount"].required = False
        self.fields["amount"].help_text = _("现金捐赠填写金额；物资捐赠不填，按下方物品估值自动合计")
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["kind"].choices = Donation.Kind.choices
        self.fields["kind"].initial = Donation.Kind.CASH
        self.fields["fund"].help_text = _("现金捐入社区基金，自动记入该基金的收入")
        self.fields["receipt_number"].help_text = _("捐赠票据由托管慈善组织（如慈善会）开具，平台不开具票据；"
                                                    "已开具的填写票据号，未开具的可以以后补记")

    def _post_clean(self):
        pass


class DonationItemForm(forms.ModelForm):
    class Meta:
        model = DonationItem
        fields = ["item", "quantity", "unit", "valuation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = False
            field.widget.attrs.update({"class": "form-control form-control-sm", "aria-label": field.label})
            if name in ("quantity", "valuation"):
                field.widget.attrs["min"] = "0.01"
        self.fields["valuation"].label = _("估值合计（元）")

    def _post_clean(self):
        pass


ItemFormSet = forms.formset_factory(DonationItemForm, extra=0, max_num=50, absolute_max=50)


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("捐赠票据号"), max_length=60,
                                     help_text=_("托管慈善组织开具的票据上的编号"))
    receipt_on = forms.DateField(label=_("票据开具日期"), widget=DATE)


class ExpenseForm(forms.ModelForm):
    photos = PhotosField(label=_("附件（发票、收据、照片）"), help_text=_("可上传图片或PDF"))

    class Meta:
        model = FundEntry
        fields = ["amount", "on", "purpose", "payee", "project", "need"]
        widgets = {"on": DATE}
        labels = {"on": _("支出日期")}

    def __init__(self, *args, projects, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["need"].queryset = needs
        self.fields["need"].label_from_instance = lambda n: f"{n.resident.name if n.resident_id else ''} {n}".strip()
        self.fields["on"].initial = timezone.localdate()
        self.fields["payee"].required = True
        self.fields["purpose"].help_text = _("将在基金公示页公开，请勿填写居民姓名等个人信息")

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "photos"}


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("reject", _("驳回"))])
    reason = forms.CharField(label=_("驳回理由"), max_length=200, required=False)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = CharityProject
        fields = ["station", "title", "target_amount", "starts_on", "ends_on", "description", "status"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        _station_field(self, stations)
        if not self.instance.pk:
            del self.fields["status"]

    def _post_clean(self):
        pass


class BeneficiaryForm(forms.Form):
    added_on = forms.DateField(label=_("受助日期"), widget=DATE, initial=timezone.localdate)


class PointForm(forms.ModelForm):
    class Meta:
        model = DonationPoint
        fields = ["station", "name", "address", "hours", "accepts", "active"]

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        _station_field(self, stations)

    def _post_clean(self):
        pass


class LinkForm(forms.ModelForm):
    class Meta:
        model = ResourceLink
        fields = ["station", "kind", "description", "donor", "provider_name", "need", "case", "linked_on"]
        widgets = {"linked_on": DATE}

    def __init__(self, *args, stations, donors, needs, cases, **kwargs):
        super().__init__(*args, **kwargs)
        _station_field(self, stations)
        self.fields["donor"].queryset = donors
        self.fields["need"].queryset = needs
        self.fields["need"].label_from_instance = lambda n: f"{n.resident.name if n.resident_id else ''} {n}".strip()
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: _("个案 #%(n)s（%(p)s）") % {"n": c.pk,
                                                                                       "p": c.resident.name}
        self.fields["need"].help_text = _("为哪项需求链接的资源（可不选）")
        self.fields["case"].help_text = _("为哪个个案链接的资源（可不选）")
        self.fields["linked_on"].initial = timezone.localdate()
        # A need or case linked by someone else that this user may not see stays as it is.
        for name in ("need", "case"):
            value = getattr(self.instance, f"{name}_id")
            if value and not self.fields[name].queryset.filter(pk=value).exists():
                del self.fields[name]

    def _post_clean(self):
        pass
