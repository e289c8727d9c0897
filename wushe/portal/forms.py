from django import forms
from django.utils.translation import gettext_lazy as _

from wushe.core.forms import PhotosField
from wushe.people.models import Need


class RequestForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("所在社区/村"), empty_label=_("请选择"))
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("请选择")), *Need.Category.choices])
    description = forms.CharField(label=_("诉求内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    photos = PhotosField(label=_("照片（可选，最多3张）"), max_files=3)
    name = forms.CharField(label=_("姓名"), max_length=40)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    consent = forms.BooleanField(label=_("我同意站点为处理本诉求保存我的姓名和手机号"),
                                 error_messages={"required": _("请先勾选同意，才能提交。")})
    answer = forms.IntegerField(label=_("验证"))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda d: d.short_name


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=12)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("给居民的答复"), max_length=300, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
