"""Requests (诉求) residents report on a station's public page. Each gets a tracking code
the resident can check; the station triages it into the needs list or declines it with a
reply. The reply and status are public to whoever holds the code; nothing else is."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.core.pii import EncryptedField
from wushe.people.models import Need

# No 0/O or 1/I: a code read out over the phone or copied from a screen by an elderly resident.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def tracking_code() -> str:
    """8 characters from 32 (40 bits): unguessable at the rate limit, short enough to copy."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class Request(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("待处理")
        ACCEPTED = "accepted", _("已受理")
        DECLINED = "declined", _("不予受理")

    station = models.ForeignKey("core.Station", verbose_name=_("站点"), on_delete=models.PROTECT,
                                related_name="requests")
    community = models.ForeignKey("core.Division", verbose_name=_("所在社区/村"), on_delete=models.PROTECT,
                                  related_name="+")
    category = models.CharField(_("类别"), max_length=12, choices=Need.Category.choices)
    description = models.TextField(_("诉求内容"), max_length=1000)
    name = models.CharField(_("姓名"), max_length=40)
    mobile = EncryptedField(_("手机号"), kind="mobile", hash_field="mobile_hash", mask_field="mobile_masked")
    mobile_hash = models.CharField(max_length=64, editable=False, db_index=True)
    mobile_masked = models.CharField(max_length=11, blank=True, default="", editable=False)
    code = models.CharField(_("查询码"), max_length=9, unique=True, default=tracking_code, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NEW)
    reply = models.CharField(_("答复"), max_length=300, blank=True, help_text=_("居民凭查询码可以看到。"))
    need = models.OneToOneField("people.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="request")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("居民诉求")
        verbose_name_plural = _("居民诉求")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "status"], name="request_community_status")]

    def __str__(self) -> str:
        return self.code

    @property
    def scope_code(self) -> str:
        return self.community_id

