from django import forms
from django.utils.translation import gettext_lazy as _

from wushe.activities.models import Activity, Feedback
from wushe.core.forms import PhotosField

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["station", "title", "category", "description", "target_tags", "starts_at", "ends_at", "room",
                  "place", "capacity", "needs_approval", "public", "partners", "budget"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "description": forms.Textarea(attrs={"rows": 3}),
                   "target_tags": forms.CheckboxSelectMultiple}

    def __init__(self, *args, stations, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["room"].queryset = rooms
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["ends_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class PersonForm(forms.Form):
    """Who signs up or signs in: name and mobile, nothing more."""

    name = forms.CharField(label=_("姓名"), max_length=40)
    mobile = forms.CharField(label=_("手机号"), max_length=20)


class PublicSignUpForm(PersonForm):
    consent = forms.BooleanField(label=_("我同意主办站点为组织本次活动保存我的姓名和手机号"),
                                 error_messages={"required": _("请先勾选同意，才能报名。")})
    # A question a script does not answer (no SMS on the platform): the sum of two digits shown.
    answer = forms.IntegerField(label=_("验证"), help_text=_("请填写上面算式的结果"))


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("活动总结"), widget=forms.Textarea(attrs={"rows": 4}))
    indirect_reach = forms.IntegerField(label=_("间接惠及人数（估算）"), min_value=0, initial=0)
    indirect_basis = forms.CharField(label=_("估算依据"), max_length=200, required=False,
                                     help_text=_("如：参与者家庭人数合计、宣传覆盖楼栋户数等"))
    needs_met = forms.ModelMultipleChoiceField(label=_("本次活动满足的需求"), queryset=None, required=False,
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text=_("勾选的需求将标记为“已满足”。"))

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs_met"].queryset = needs
        self.fields["needs_met"].label_from_instance = lambda n: (
            f"{n.resident.name if n.resident_id else n.community.short_name} · {n}")
        if not needs.exists():
            del self.fields["needs_met"]


class FeedbackForm(forms.Form):
    mobile = forms.CharField(label=_("签到时的手机号"), max_length=20)
    rating = forms.TypedChoiceField(label=_("满意度"), coerce=int, choices=Feedback.Rating.choices,
                                    widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见和建议（可选）"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.IntegerField(label=_("验证"))


class PhotosForm(forms.Form):
    photos = PhotosField(label=_("活动照片"), required=True)
