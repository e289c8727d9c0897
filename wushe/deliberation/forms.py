from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.deliberation.models import ActionItem, Deliberation, Meeting, Resolution

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _community_field(form, communities):
    form.fields["community"].queryset = communities
    form.fields["community"].label_from_instance = lambda d: d.short_name


class TopicForm(forms.ModelForm):
    """A topic entered by staff; the station is chosen once, when it is created."""

    station = forms.ModelChoiceField(queryset=None, label=_("站点"))

    class Meta:
        model = Deliberation
        fields = ["station", "community", "title", "category", "description", "source", "proposer_name",
                  "proposer_mobile", "public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, stations, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        _community_field(self, communities)
        self.fields["proposer_name"].help_text = _("居民提出或网格员上报时必填；不会在公示栏显示。")
        self.fields["proposer_mobile"].help_text = _("选填；加密保存，不会在公示栏显示。")


class TopicEditForm(forms.ModelForm):
    class Meta:
        model = Deliberation
        fields = ["community", "title", "category", "description", "public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        _community_field(self, communities)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复"), max_length=300, required=False)


class ProposeForm(forms.Form):
    """A resident's proposal on the station's phone page."""

    community = forms.ModelChoiceField(queryset=None, label=_("所在社区/村"), empty_label=_("请选择"))
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("请选择")), *Deliberation.Category.choices])
    title = forms.CharField(label=_("议题"), max_length=100, help_text=_("一句话说明想商量的事"))
    description = forms.CharField(label=_("具体情况和建议"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label=_("姓名"), max_length=40)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    consent = forms.BooleanField(label=_("我同意站点为办理本议题保存我的姓名和手机号（不会公开）"),
                                 error_messages={"required": _("请先勾选同意，才能提交。")})
    answer = forms.IntegerField(label=_("验证"))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        _community_field(self, communities)


class MeetingForm(forms.ModelForm):
    station = forms.ModelChoiceField(queryset=None, label=_("站点"))
    topics = forms.ModelMultipleChoiceField(queryset=None, label=_("讨论的议题"),
                                            widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Meeting
        fields = ["station", "held_at", "place", "host", "participants", "attendees", "minutes", "topics"]
        widgets = {"held_at": DATETIME, "attendees": forms.Textarea(attrs={"rows": 2}),
                   "minutes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, stations, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["topics"].queryset = topics
        self.fields["topics"].help_text = _("已受理、尚未办结的议题")
        self.fields["held_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["participants"].min_value = 1


class ResolutionForm(forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["deliberation", "decision", "method", "votes_for", "votes_against", "votes_abstain"]
        widgets = {"decision": forms.Textarea(attrs={"rows": 3}), "method": forms.RadioSelect}
        help_texts = {"votes_for": _("投票表决时填写；赞成票超过到会人数一半即为通过。")}

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliberation"].queryset = topics
        self.fields["deliberation"].empty_label = _("请选择")
        self.fields["method"].choices = Resolution.Method.choices
        for name in ("votes_for", "votes_against", "votes_abstain"):
            self.fields[name].required = False


class ItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["what", "owner", "deadline"]
        widgets = {"deadline": DATE}


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("办结日期"), widget=DATE, initial=timezone.localdate)
    evidence = forms.CharField(label=_("办结情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                               required=False,
                               help_text=_("做了什么、结果如何（如：已更换路灯6盏，居民验收满意）；会在公示栏显示"))
