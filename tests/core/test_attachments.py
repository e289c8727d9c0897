"""Photos and files on records: only real images or PDFs, re-encoded without EXIF (a
phone's GPS position), no larger than needed, and reachable only through their record."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import photo
from tests.people import factories as people_factories
from wushe.activities import services as activity_services
from wushe.activities.selectors import station_page_key
from wushe.core.attachments import LONGEST_SIDE, attachments_of, clean_upload, prepare
from wushe.core.models import Attachment, AuditEntry
from wushe.portal.models import Request

pytestmark = pytest.mark.django_db


def _activity(net, people):
    start = timezone.now() + datetime.timedelta(days=1)
    return activity_services.activity_save(actor=people["worker"], station=net.station_a, data={
        "title": "重阳游园", "category": "health", "starts_at": start, "ends_at": start + datetime.timedelta(hours=2),
        "capacity": 10, "place": "广场"})


def test_a_photo_is_kept_without_its_exif_and_no_larger_than_a_screen():
    upload = photo()
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)  # the original carries GPS
    upload.seek(0)
    content, kind = clean_upload(upload)
    stored = Image.open(io.BytesIO(content.read()))
    assert kind == "image" and stored.format == "JPEG"
    assert not stored.getexif()  # no GPS, no owner's name
    big, _kind = clean_upload(photo(size=(LONGEST_SIDE * 2, 100), gps=False))
    assert Image.open(io.BytesIO(big.read())).size[0] == LONGEST_SIDE


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("照片.jpg", b"<html>not a picture</html>"), "不是可识别"),
    (SimpleUploadedFile("a.gif", b"GIF89a" + b"\x00" * 20), "不是可识别"),
    (SimpleUploadedFile("截断.jpg", photo(gps=False).read()[:200]), "不是可识别"),
])
def test_what_is_not_an_image_or_pdf_is_refused_by_name(upload, message):
    with pytest.raises(ValidationError) as error:
        clean_upload(upload)
    assert message in str(error.value) and upload.name in str(error.value)


def test_size_and_count_limits(settings):
    from wushe.core import attachments

    huge = SimpleUploadedFile("大.pdf", b"%PDF-1.4" + b"0" * (attachments.MAX_MB * 1024 * 1024))
    with pytest.raises(ValidationError, match="超过"):
        clean_upload(huge)
    assert clean_upload(SimpleUploadedFile("合同.pdf", b"%PDF-1.4 x"))[1] == "pdf"
    with pytest.raises(ValidationError, match="最多"):
        prepare([photo(gps=False) for _ in range(attachments.MAX_PER_RECORD + 1)])


def test_activity_photos_open_only_inside_the_scope_and_can_be_deleted(net, people, login):
    activity = _activity(net, people)
    client = login(people["worker"])
    response = client.post(f"/activities/{activity.pk}/photos/", {"photos": [photo(), photo("二.png", fmt="PNG")]})
    assert response.status_code == 302
    first, second = attachments_of(activity)
    assert (first.kind, first.name, second.name) == ("image", "现场.jpg", "二.png")
    assert first.file.name.startswith("attachments/") and "现场" not in first.file.name  # no name in the path
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert f"/attachments/{first.pk}/" in page
    got = client.get(f"/attachments/{first.pk}/")
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg" and "private" in got["Cache-Control"]
    other = login(people["worker_b"])
    assert other.get(f"/attachments/{first.pk}/").status_code == 404
    assert other.post(f"/attachments/{first.pk}/delete/").status_code == 404
    client = login(people["worker"])
    bad = client.post(f"/activities/{activity.pk}/photos/", {"photos": [SimpleUploadedFile("x.jpg", b"nope")]},
                      follow=True)
    assert "不是可识别" in bad.content.decode() and attachments_of(activity).count() == 2
    path = first.file.path
    with pytest.MonkeyPatch.context() as m:
        m.setattr("django.db.transaction.on_commit", lambda fn, **kw: fn())
        client.post(f"/attachments/{first.pk}/delete/", {"next": "https://evil.example/"})
    assert not Attachment.objects.filter(pk=first.pk).exists()
    import os

    assert not os.path.exists(path)
    assert AuditEntry.objects.filter(detail__detached="现场.jpg").exists()


def test_a_resident_can_send_a_photo_with_a_request(net, people, client, login):
    from django.core import signing

    key = station_page_key(net.station_a)
    form = {"community": net.community_a1.code, "category": "safety", "description": "楼道灯坏了",
            "name": "周先生", "mobile": people_factories.mobile(), "consent": "on", "answer": "7",
            "challenge": signing.dumps(7, salt="public-form-question"), "photos": [photo()]}
    assert client.post(f"/p/s/{key}/request/", form).status_code == 200
    filed = Request.objects.get()
    stored = attachments_of(filed).get()
    assert stored.uploaded_by is None and stored.station == net.station_a
    assert f"/attachments/{stored.pk}/" in login(people["worker"]).get("/requests/").content.decode()
    too_many = form | {"photos": [photo() for _ in range(4)], "challenge": signing.dumps(7, salt="public-form-question")}
    page = client.post(f"/p/s/{key}/request/", too_many).content.decode()
    assert "最多上传 3 个" in page and Request.objects.count() == 1  # nothing half saved


def test_visit_photos_are_saved_with_the_visit_and_shown_on_the_file(net, people, login):
    resident = people_factories.resident("孙阿姨", station=net.station_a, community=net.community_a1,
                                         actor=people["worker"])
    client = login(people["worker"])
    client.post(f"/people/{resident.pk}/visits/new/", {
        "visited_on": people_factories.today().isoformat(), "kind": "home", "findings": "独居，行动不便",
        "risk": "medium", "photos": [photo()]})
    visit = resident.visits.get()
    stored = attachments_of(visit).get()
    assert f"/attachments/{stored.pk}/" in client.get(f"/people/{resident.pk}/").content.decode()
    assert login(people["worker_b"]).get(f"/attachments/{stored.pk}/").status_code == 404


def test_a_closed_records_files_stay(net, people, login):
    activity = _activity(net, people)
    stored = activity_services.activity_photos_add(actor=people["worker"], activity=activity,
                                                   photos=prepare([photo()]))[0]
    from wushe.activities.models import Activity

    with pytest.MonkeyPatch.context() as m:
        m.setattr(Activity, "attachments_locked", True, raising=False)
        page = login(people["worker"]).post(f"/attachments/{stored.pk}/delete/", follow=True).content.decode()
    assert "不能删除" in page and Attachment.objects.filter(pk=stored.pk).exists()
