"""Photos and files on records (活动照片, 走访照片, a resident's photo of a broken lamp).

An upload is accepted only if it is what it says: an image Pillow can decode (JPEG, PNG,
WebP), re-encoded so that its EXIF (the phone's GPS position, the camera owner's name)
is gone and it is no larger than a screen needs, or a PDF. Files live under MEDIA_ROOT and
are read only through ``core:attachment``, which opens the record the way its own page
does, so a photo of someone's home is no easier to reach than their file.
"""

import io
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from wushe.core import audit
from wushe.core.models import Attachment, AuditEntry

MAX_MB = int(getattr(settings, "WUSHE_UPLOAD_MAX_MB", 10))
MAX_PER_RECORD = 12
LONGEST_SIDE = 2560  # plenty for a screen or an A4 print, a tenth of a phone photo's bytes
_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# Who may open a record's attachments: the record's own selector (404 outside scope).
READERS = {
    "activities.activity": "wushe.activities.selectors.activity_get",
    "charity.fundentry": "wushe.charity.selectors.entry_get",
    "people.visit": "wushe.people.selectors.visit_get",
    "organizations.organization": "wushe.organizations.selectors.organization_get",
    "portal.request": "wushe.portal.selectors.request_get",
    "projects.serviceproject": "wushe.projects.selectors.project_get",
}


def clean_upload(upload) -> tuple[ContentFile, str]:
    """The upload as stored (an image re-encoded, a PDF as is) and its kind; a clear error
    naming the file otherwise."""
    name = Path(upload.name or "").name[:100] or "upload"
    if upload.size > MAX_MB * 1024 * 1024:
        raise ValidationError(_("“%(n)s”超过 %(m)s MB，请压缩后再上传。") % {"n": name, "m": MAX_MB})
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return ContentFile(upload.read(), name=f"{Path(name).stem}.pdf"), Attachment.Kind.PDF
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(upload) as probe:
            probe.verify()  # a truncated or forged file fails here
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in _IMAGE_FORMATS:
                raise UnidentifiedImageError(image.format)
            fmt, ext = image.format, _IMAGE_FORMATS[image.format]
            image = ImageOps.exif_transpose(image)  # upright once EXIF is gone; a new image, without ``format``
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            out = io.BytesIO()
            if ext == "jpg":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, fmt)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(_("“%(n)s”不是可识别的 JPG、PNG、WebP 图片或 PDF 文件。") % {"n": name}) from exc
    return ContentFile(out.getvalue(), name=f"{Path(name).stem}.{ext}"), Attachment.Kind.IMAGE


def prepare(uploads) -> list[tuple[ContentFile, str, str]]:
    """Check and convert every upload before anything is saved: (content, kind, name)."""
    uploads = [u for u in uploads or () if u]
    if len(uploads) > MAX_PER_RECORD:
        raise ValidationError(_("一次最多上传 %(n)s 个文件。") % {"n": MAX_PER_RECORD})
    return [(*clean_upload(u), Path(u.name or "").name[:100]) for u in uploads]


def attachments_by_record(model, ids) -> dict[int, list[Attachment]]:
    """The attachments of many records of one model at once (a list page), by record id."""
    found: dict[int, list[Attachment]] = {}
    for item in Attachment.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids):
        found.setdefault(item.object_id, []).append(item)
    return found


def attachments_of(record):
    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


def attach(*, record, station, prepared, actor=None, request=None) -> list[Attachment]:
    """Store prepared uploads on ``record``, all or none. The caller has checked that
    ``actor`` may change the record (or that a public form may add to it)."""
    if not prepared:
        return []
    if attachments_of(record).count() + len(prepared) > MAX_PER_RECORD:
        raise ValidationError(_("每条记录最多 %(n)s 个附件。") % {"n": MAX_PER_RECORD})
    content_type = ContentType.objects.get_for_model(record)
    saved = []
    with transaction.atomic():
        for content, kind, name in prepared:
            item = Attachment(content_type=content_type, object_id=record.pk, station=station,
                              name=name or content.name, kind=kind, size=content.size, uploaded_by=actor)
            item.file.save(content.name, content, save=False)
            item.save()
            saved.append(item)
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=record,
                     detail={"attached": [a.pk for a in saved]})
    return saved


def detach(*, actor, attachment: Attachment, record=None, request=None) -> None:
    """Remove one attachment; the caller has checked the record may be changed. A record that
    is closed for good (an archived project, a dissolved organization, an approved payment)
    says so with ``attachments_locked``, and its files then stay as they are."""
    if record is not None and getattr(record, "attachments_locked", False):
        raise ValidationError(_("该记录已归档或办结，附件不能删除。"))
    record_label = f"{attachment.content_type.app_label}.{attachment.content_type.model}"
    with transaction.atomic():
        attachment.delete()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, object_type=record_label,
                     object_id=str(attachment.object_id), division_code=attachment.station.division_id,
                     detail={"detached": attachment.name})
    transaction.on_commit(lambda: attachment.file.delete(save=False))


def record_of(*, user, attachment: Attachment):
    """The record the attachment belongs to, opened through its selector (404 outside scope)."""
    label = f"{attachment.content_type.app_label}.{attachment.content_type.model}"
    return import_string(READERS[label])(user=user, pk=attachment.object_id)
