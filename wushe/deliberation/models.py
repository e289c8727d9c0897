"""Resident deliberation (居民议事): a topic (议事) proposed by a resident on the station's
phone page or entered by staff, accepted or declined with a reply, discussed at a meeting
(议事会), decided by vote or consensus (决议), and carried out as action items (办理事项).
A done item, with its evidence, is one 办实事; when every item of a topic is done the
topic is done (已办结). The public board shows accepted topics and their outcomes, never
who proposed them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.core.pii import EncryptedField


class Deliberation(models.Model):
    class Category(models.TextChoices):
        ENVIRONMENT = "environment", _("环境卫生")
        FACILITIES = "facilities", _("公共设施")
        NEIGHBOURS = "neighbours", _("邻里关系")
        TRAFFIC = "traffic", _("停车交通")
        CARE = "care", _("养老助幼")
        SAFETY = "safety", _("安全")
        OTHER = "other", _("其他")

    class Source(models.TextChoices):
        RESIDENT = "resident", _("居民提出")
        STAFF = "staff", _("社工/居委会提出")
        GRID = "grid", _("网格员上报")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("已提出")
        ACCEPTED = "accepted", _("已受理")
        DECIDED = "decided", _("已议决")
        DONE = "done", _("已办结")
        REJECTED = "rejected", _("不予受理")

    # Shown on the public board once accepted; a proposal still under review or declined is not.
    PUBLIC_STATUSES = (Status.ACCEPTED, Status.DECIDED, Status.DONE)
    # A topic a meeting may discuss and decide on.
    OPEN_STATUSES = (Status.ACCEPTED, Status.DECIDED)

    station = models.ForeignKey("core.Station", verbose_name=_("站点"), on_delete=models.PROTECT,
                                related_name="deliberations")
    community = models.ForeignKey("core.Division", verbose_name=_("所在社区/村"), on_delete=models.PROTECT,
                                  related_name="+")
    title = models.CharField(_("议题"), max_length=100)
    description = models.TextField(_("议题说明"), max_length=1000)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    proposer_name = models.CharField(_("提议人"), max_length=40, blank=True)
    proposer_mobile = EncryptedField(_("提议人手机号"), kind="mobile", hash_field="proposer_mobile_hash",
                                     mask_field="proposer_mobile_masked", blank=True)
    proposer_mobile_hash = models.CharField(max_length=64, blank=True, editable=False)
    proposer_mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reply = models.CharField(_("答复"), max_length=300, blank=True)
    public = models.BooleanField(_("在议事公示栏公开"), default=True,
                                 help_text=_("受理后，议题和办理结果在站点公开页展示（不显示提议人）。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # empty for a resident's proposal
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("议事")
        verbose_name_plural = _("议事")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["station", "status"], name="deliberation_station_status"),
                   models.Index(fields=["community", "status"], name="deliberation_community_status")]
        constraints = [models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reply=""),
                                              name="deliberation_rejected_has_reply",
                                              violation_error_message=_("不予受理时须填写答复。"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:topic", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class Meeting(models.Model):
    """议事会: who met, where and when, what they said (minutes) and which topics they took up."""

    station = models.ForeignKey("core.Station", verbose_name=_("站点"), on_delete=models.PROTECT,
                                related_name="deliberation_meetings")
    held_at = models.DateTimeField(_("召开时间"))
    place = models.CharField(_("地点"), max_length=100)
    host = models.CharField(_("主持人"), max_length=40)
    participants = models.PositiveIntegerField(_("到会人数"))
    attendees = models.TextField(_("参会人员"), max_length=1000,
                                 help_text=_("如：居民代表8人、党员3人、社工2人、物业1人，或列出姓名与身份"))
    minutes = models.TextField(_("会议记录"))
    topics = models.ManyToManyField(Deliberation, verbose_name=_("讨论的议题"), related_name="meetings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ["-held_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(participants__gte=1), name="meeting_has_participants",
                                                   violation_error_message=_("到会人数至少为1人。"))]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.held_at):%Y-%m-%d} {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("deliberation:meeting", args=[self.pk])

    @property
    def scope_code(self) -> str:
        return self.station.division_id


class Resolution(models.Model):
    """决议: what a meeting decided on one topic. A vote passes with more than half of those
    present in favour (过半数通过); a consensus (协商一致) is passed by definition."""

    class Method(models.TextChoices):
        VOTE = "vote", _("投票表决")
        CONSENSUS = "consensus", _("协商一致")

    meeting = models.ForeignKey(Meeting, verbose_name=_("议事会"), on_delete=models.PROTECT,
                                related_name="resolutions")
    deliberation = models.ForeignKey(Deliberation, verbose_name=_("议题"), on_delete=models.PROTECT,
                                     related_name="resolutions")
    decision = models.TextField(_("决议内容"), max_length=1000)
    method = models.CharField(_("表决方式"), max_length=10, choices=Method.choices)
    votes_for = models.PositiveIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveIntegerField(_("弃权"), default=0)
    passed = models.BooleanField(_("通过"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(method="vote") | Q(votes_for=0, votes_against=0, votes_abstain=0, passed=True),
            name="resolution_consensus_passes_without_votes",
            violation_error_message=_("协商一致的决议不填写票数。"))]

    def __str__(self) -> str:
        return self.decision[:60]

    @staticmethod
    def vote_passes(votes_for: int, participants: int) -> bool:
        """过半数通过: more than half of those present voted for."""
        return votes_for * 2 > participants

    @property
    def scope_code(self) -> str:
        return self.deliberation.station.division_id


class ActionItem(models.Model):
    """办理事项: one thing a resolution asks someone to do by a date. Done, with evidence of
    what was done, it counts as one 办实事."""

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        DONE = "done", _("已办结")

    resolution = models.ForeignKey(Resolution, verbose_name=_("决议"), on_delete=models.PROTECT,
                                   related_name="action_items")
    what = models.CharField(_("办理事项"), max_length=200)
    owner = models.CharField(_("责任人/单位"), max_length=60, help_text=_("如：社区居委会、物业公司；会在公示栏显示"))
    deadline = models.DateField(_("办理期限"))
    status = models.CharField(_("状态"), max_length=6, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    evidence = models.TextField(_("办结情况"), max_length=1000, blank=True,
                                help_text=_("做了什么、结果如何（如：已更换路灯6盏，居民验收满意）；会在公示栏显示"))
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办理事项")
        verbose_name_plural = _("办理事项")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="action_item_status_deadline")]
        constraints = [models.CheckConstraint(
            condition=Q(status="open") | (Q(done_on__isnull=False) & ~Q(evidence="")),
            name="action_item_done_has_evidence",
            violation_error_message=_("标记办结须填写办结日期和办结情况。"))]

    def __str__(self) -> str:
        return self.what

    @property
    def scope_code(self) -> str:
        return self.resolution.deliberation.station.division_id

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.deadline < timezone.localdate()
