import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wushe.people.models import Resident

RISK_BADGE = {"low": "text-bg-light border", "medium": "text-bg-warning", "high": "text-bg-danger"}


class ResidentTable(tables.Table):
    name = tables.Column(verbose_name=_("姓名"), order_by=("name_pinyin",))
    sex = tables.Column(verbose_name=_("性别"), default="—")
    age = tables.Column(verbose_name=_("年龄"), accessor="birth_date", order_by=("-birth_date",), default="—")
    # The stored masked form: revealing is per file and audited, and a list decrypts nothing.
    id_number = tables.Column(verbose_name=_("身份证号"), accessor="id_number_masked", orderable=False, default="—")
    community = tables.Column(verbose_name=_("社区/村"), accessor="community__name", order_by=("community_id",))
    income = tables.Column(verbose_name=_("困难类型"), default="—")
    risk = tables.Column(verbose_name=_("风险"))

    class Meta:
        model = Resident
        fields = ("name", "sex", "age", "id_number", "community", "income", "risk")
        empty_text = _("没有符合条件的服务对象。")
        attrs = {"class": "table table-hover align-middle"}

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("people:resident", args=[record.pk]), value)

    def render_age(self, record):
        return record.age()

    def render_community(self, record):
        return record.community.short_name

    def render_risk(self, record):
        return format_html('<span class="badge {}">{}</span>', RISK_BADGE.get(record.risk, ""),
                           record.get_risk_display())
