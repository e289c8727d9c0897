from django import forms
from django.utils.translation import gettext_lazy as _

from wushe.core.models import Agency, Division, Room, Station


class DivisionCodeField(forms.CharField):
    """A division entered by its 12-digit code (or the short code: 340104005)."""

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value and not self.required:
            return None
        code = value.ljust(12, "0") if value.isdigit() and len(value) <= 12 else None
        division = Division.objects.filter(code=code).first() if code else None
        if division is None:
            raise forms.ValidationError(_("区划代码“%(v)s”不存在。"), params={"v": value})
        return division


class StationForm(forms.ModelForm):
    division = DivisionCodeField(label=_("所在区划代码"), help_text=_("统计用区划代码，如 340104005（西园街道）"))
    agency = forms.ModelChoiceField(Agency.objects.all(), label=_("运营机构"), required=False)

    class Meta:
        model = Station
        fields = ["name", "tier", "division", "address", "opened_on", "agency", "contact_name",
                  "contact_phone", "status"]
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status == Station.Status.CLOSED:
            # Reopening is its own action on the station page, never a side effect of editing.
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _("已撤销的站点请在站点页面点击“恢复站点”。")
        else:
            self.fields["status"].choices = [c for c in Station.Status.choices
                                             if c[0] != Station.Status.CLOSED]
        if self.instance.pk:
            self.initial["division"] = self.instance.division_id

    def _post_clean(self):
        # Validation and saving are the service's job; the form only parses input.
        pass


class StationCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("撤销日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "kind", "capacity", "area_m2", "active"]

    def _post_clean(self):
        pass


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "credit_code", "contact_name", "phone", "address"]

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        if code and (len(code) != 18 or not code.isalnum()):
            raise forms.ValidationError(_("统一社会信用代码应为18位字母或数字。"))
        return code

    def _post_clean(self):
        pass


class _MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos (or PDFs) at once, checked and converted as the form is cleaned, so a
    bad file is reported on the form and nothing is saved."""

    def __init__(self, *args, max_files: int | None = None, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", _MultipleFiles(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        from wushe.core.attachments import prepare

        files = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if self.max_files and len(files) > self.max_files:
            raise forms.ValidationError(_("最多上传 %(n)s 个文件。") % {"n": self.max_files})
        return prepare([super(PhotosField, self).clean(f, initial) for f in files])
