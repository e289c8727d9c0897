import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wushe.core.models import Agency, AuditEntry, Station

STATUS_BADGE = {"active": "text-bg-success", "closed": "text-bg-secondary",
                "suspended": "text-bg-warning", "preparing": "text-bg-info"}


def status_badge(value: str, label: str):
    """The one station status badge, used by tables and (through a filter) templates."""
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGE.get(value, "text-bg-light"), label)


class StationTable(tables.Table):
    # Cells are rendered by plain methods, not linkify/DateColumn/templates: this is the
    # busiest list, and django-tables2's generic per-cell machinery dominated its time.
    name = tables.Column(verbose_name=_("名称"))
    tier = tables.Column(verbose_name=_("层级"))
    division = tables.Column(accessor="division__name", verbose_name=_("所在区划"), order_by="division_id")
    agency = tables.Column(accessor="agency__name", verbose_name=_("运营机构"), default="—")
    opened_on = tables.Column(verbose_name=_("启用日期"), default="—")
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Station
        fields = ("name", "tier", "division", "agency", "opened_on", "status")
        empty_text = _("没有符合条件的站点。")
        attrs = {"class": "table table-hover align-middle"}
        per_page = 25

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("core:station", args=[record.pk]), value)

    def render_opened_on(self, value):
        return value.isoformat()

    def render_status(self, record):
        return status_badge(record.status, record.get_status_display())


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("时间"), format="Y-m-d H:i:s")
    actor_name = tables.Column(verbose_name=_("操作人"), default="—")
    action = tables.Column(verbose_name=_("操作"))
    object_label = tables.Column(verbose_name=_("对象"), default="—", orderable=False)
    division_code = tables.Column(verbose_name=_("区划"), default="—")
    ip = tables.Column(verbose_name=_("IP 地址"), default="—", orderable=False)
    detail = tables.Column(verbose_name=_("详情"), orderable=False, empty_values=())

    class Meta:
        model = AuditEntry
        fields = ("at", "actor_name", "action", "object_label", "division_code", "ip", "detail")
        empty_text = _("没有符合条件的审计记录。")
        attrs = {"class": "table table-sm align-middle"}

    def render_detail(self, record):
        from wushe.core.audit import describe_detail

        return describe_detail(record) or "—"


class AgencyTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("机构名称"))
    credit_code = tables.Column(verbose_name=_("统一社会信用代码"), default="—")
    contact_name = tables.Column(verbose_name=_("联系人"), default="—")
    phone = tables.Column(verbose_name=_("机构电话"), default="—")
    station_count = tables.Column(verbose_name=_("运营站点（本范围）"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Agency
        fields = ("name", "credit_code", "contact_name", "phone", "station_count")
        empty_text = _("尚未登记社工机构。")
