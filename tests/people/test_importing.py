"""Ledger import: the messy files stations really keep, checked before anything is written."""

import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from openpyxl import Workbook

from tests.people import factories
from wushe.core import pii
from wushe.core.pii import hash_lookup, id_check_digit
from wushe.core.rows import Sink
from wushe.people import importing
from wushe.people.importing import ImportFileError, ImportOptions, apply_import, plan_import
from wushe.people.models import ImportJob, Resident, Tag
from wushe.people.tasks import plan_import_task

pytestmark = pytest.mark.django_db


def valid_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


ID_WANG = valid_id("34010419430409123")
ID_LI = valid_id("34010419500302234")


def messy_ledger(path: Path, net) -> Path:
    """A ledger as stations keep them: title row, variant headers, full-width digits,
    an ID saved as a number, a bad check digit, a duplicate ID, a blank row."""
    wb = Workbook()
    ws = wb.active
    ws.append(["西园街道独居老人台账（2024年）"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "名字", "公民身份号码", "联系电话", "所在社区", "人员类别", "居住情况"])
    community = net.community_a1.name
    ws.append([1, "王大爷", ID_WANG, "138 1234 5678", community, "独居老人", "独居"])
    ws.append([2, "李奶奶", " " + ID_LI.replace("3", "３", 2) + " ", "", community, "", ""])
    ws.append([3, "赵六", 340104194304091234, "", community, "", ""])
    ws.append([4, "钱七", ID_LI[:-1] + ("0" if ID_LI[-1] != "0" else "1"), "12345", "不存在社区", "外星人", ""])
    ws.append([None] * 7)
    ws.append([5, "王大爷的重号", ID_WANG, "", community, "", ""])
    wb.save(path)
    return path


@pytest.fixture
def ledger(tmp_path, net):
    Tag.objects.create(name="独居老人")
    return messy_ledger(tmp_path / "台账.xlsx", net)


@pytest.fixture
def options(net):
    return ImportOptions(station=net.station_a, consent_on=datetime.date(2024, 1, 23))


def test_plan_reads_a_messy_ledger_and_names_every_problem(people, ledger, options):
    plan = plan_import(actor=people["worker"], path=ledger, options=options)

    assert plan.rows_read == 5
    assert sorted(r.data["name"] for r in plan.creates) == ["李奶奶", "王大爷"]
    issues = {(i.row, i.column) for i in plan.issues}
    assert (5, "身份证号") in issues  # saved as a number: digits lost
    assert {(6, "身份证号"), (6, "手机号"), (6, "社区/村"), (6, "人员类别")} <= issues
    assert (8, "身份证号") in issues  # same ID as row 3
    assert any("末几位已丢失" in i.reason for i in plan.issues)
    assert not Resident.objects.exists(), "planning writes nothing"


def test_full_width_digits_and_spaces_are_normalised(people, ledger, options):
    plan = plan_import(actor=people["worker"], path=ledger, options=options)
    li = next(r for r in plan.creates if r.data["name"] == "李奶奶")
    assert li.data["id_number"] == ID_LI
    assert li.data["birth_date"] == datetime.date(1950, 3, 2)


@pytest.mark.parametrize("encrypted_apart", [False, True], ids=["encrypted-in-place", "encrypted-on-a-process"])
def test_good_rows_go_in_and_bad_rows_are_skipped(people, ledger, options, monkeypatch, encrypted_apart):
    if encrypted_apart:  # as a large ledger's are
        monkeypatch.setattr(pii, "PARALLEL_FROM", 0)
    plan = plan_import(actor=people["worker"], path=ledger, options=options)
    result = apply_import(actor=people["worker"], plan=plan, all_or_nothing=False)

    assert (result.created, result.skipped_rows) == (2, 3)
    wang = Resident.objects.get(name="王大爷")
    assert wang.id_number == ID_WANG and wang.mobile == "13812345678"
    assert wang.living == Resident.Living.ALONE
    assert list(wang.tags.values_list("name", flat=True)) == ["独居老人"]
    assert wang.name_pinyin.startswith("wdy")
    # Written as plain rows: what the encrypted fields and the model would have stored.
    assert (wang.id_number_hash, wang.mobile_hash) == (hash_lookup("id_number", ID_WANG),
                                                       hash_lookup("mobile", "13812345678"))
    assert (wang.id_number_masked, wang.mobile_masked, wang.id_suffix) == (
        factories.masked_id(ID_WANG), "138****5678", ID_WANG[-4:])
    assert (wang.birth_date, wang.sex) == (datetime.date(1943, 4, 9), Resident.Sex.MALE)
    assert (wang.consent_by, wang.consent_on, wang.risk) == (Resident.ConsentBy.SELF, options.consent_on,
                                                             Resident.Risk.LOW)
    assert wang.created_by == people["worker"] and wang.created_at is not None


def test_imported_residents_take_fresh_ids_and_later_ones_follow(people, ledger, options, net):
    """A deleted resident's id is never given again (their history and audit entries name it)."""
    gone = Resident.objects.create(station=net.station_a, community=net.community_a1, name="已删除").pk
    Resident.objects.filter(pk=gone).delete()
    plan = plan_import(actor=people["worker"], path=ledger, options=options)
    apply_import(actor=people["worker"], plan=plan, all_or_nothing=False)
    imported = sorted(Resident.objects.values_list("pk", flat=True))
    assert len(imported) == 2 and imported[0] > gone
    later = Resident.objects.create(station=net.station_a, community=net.community_a1, name="后来者")
    assert later.pk > imported[-1]


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(people, ledger, options):
    plan = plan_import(actor=people["worker"], path=ledger, options=options)
    with pytest.raises(ValidationError):
        apply_import(actor=people["worker"], plan=plan, all_or_nothing=True)
    assert not Resident.objects.exists()


def test_a_failure_mid_import_leaves_no_rows(people, ledger, options):
    """The database fails while storing the category links, after the residents were sent."""
    plan = plan_import(actor=people["worker"], path=ledger, options=options)
    assert any(row.tags for row in plan.creates)
    sent = []
    real_put = Sink.put

    def failing_put(sink, sql, rows):
        sent.append(sql)
        if Resident.tags.through._meta.db_table in sql:
            sql = sql.replace(Resident.tags.through._meta.db_table, "no_such_table")  # fails on the writer thread
        real_put(sink, sql, rows)

    with mock.patch.object(Sink, "put", failing_put), pytest.raises(DatabaseError):
        apply_import(actor=people["worker"], plan=plan, all_or_nothing=False)
    assert Resident._meta.db_table in sent[0]
    assert not Resident.objects.exists()
    assert not Resident.tags.through.objects.exists()


def test_without_consent_only_minimal_records_may_be_imported(people, ledger, net):
    plan = plan_import(actor=people["worker"], path=ledger, options=ImportOptions(station=net.station_a))
    assert not plan.creates
    assert any("知情同意" in i.reason for i in plan.issues)


def test_existing_resident_in_scope_is_updated_not_duplicated(people, ledger, options, net):
    factories.resident("王大爷", station=net.station_a, community=net.community_a1, id_number=ID_WANG)
    plan = plan_import(actor=people["worker"], path=ledger, options=options)
    assert [r.data["name"] for r in plan.updates] == ["王大爷"]
    apply_import(actor=people["worker"], plan=plan, all_or_nothing=False)
    assert Resident.objects.filter(name="王大爷").count() == 1


def test_resident_registered_elsewhere_is_a_row_error_without_their_data(people, ledger, options, net):
    factories.resident("王某", station=net.station_b, community=net.community_b1, id_number=ID_WANG)
    plan = plan_import(actor=people["worker"], path=ledger, options=options)
    issue = next(i for i in plan.issues if i.row == 3)
    assert "其他站点" in issue.reason and "王某" not in issue.reason and net.station_b.name not in issue.reason


def test_a_file_without_a_header_is_refused(people, tmp_path, options):
    wb = Workbook()
    for _ in range(12):
        wb.active.append(["随便写的", "内容"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(ImportFileError, match="表头"):
        plan_import(actor=people["worker"], path=tmp_path / "x.xlsx", options=options)


@pytest.mark.parametrize(("value", "expected"), [
    (18324.0, datetime.date(1950, 3, 2)),  # Excel serial
    ("1950.3.2", datetime.date(1950, 3, 2)),
    ("1950年3月2日", datetime.date(1950, 3, 2)),
    ("1950/03/02", datetime.date(1950, 3, 2)),
])
def test_ledger_dates(value, expected):
    assert importing.parse_date(value) == expected


def test_command_line_import_reports_rows_and_exit_status(people, ledger, net, capsys):
    call_command("import_residents", str(ledger), station=net.station_a.pk, user=people["worker"].username,
                 consent_on="2024-01-23", dry_run=True)
    assert not Resident.objects.exists()
    with pytest.raises(CommandError, match="没有导入任何数据"):
        call_command("import_residents", str(ledger), station=net.station_a.pk, user=people["worker"].username,
                     consent_on="2024-01-23", all_or_nothing=True)
    call_command("import_residents", str(ledger), station=net.station_a.pk, user=people["worker"].username,
                 consent_on="2024-01-23")
    assert Resident.objects.count() == 2
    assert "第 6 行 身份证号" in capsys.readouterr().err


def _upload(client, ledger, net, capture):
    with ledger.open("rb") as f, capture(execute=True):
        response = client.post("/people/import/", {"file": f, "station": net.station_a.pk,
                                                   "consent_on": "2024-01-23"})
    assert response.status_code == 302
    return ImportJob.objects.latest("id")


def test_upload_check_and_import_through_the_pages(login, people, ledger, net,
                                                   django_capture_on_commit_callbacks):
    client = login(people["worker"])
    job = _upload(client, ledger, net, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.rows_read, job.planned_creates, job.bad_rows) == ("ready", 5, 2, 3)
    page = client.get(f"/people/import/{job.pk}/").content.decode()
    assert "末几位已丢失" in page and not Resident.objects.exists()
    report = client.get(f"/people/import/{job.pk}/errors/")
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/people/import/{job.pk}/apply/", {"mode": "good"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 2)
    assert Resident.objects.count() == 2
    # Confirming twice imports nothing twice.
    client.post(f"/people/import/{job.pk}/apply/", {"mode": "good"})
    assert Resident.objects.count() == 2


def test_all_or_nothing_through_the_pages_imports_nothing(login, people, ledger, net,
                                                          django_capture_on_commit_callbacks):
    client = login(people["worker"])
    job = _upload(client, ledger, net, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/people/import/{job.pk}/apply/", {"mode": "all"})
    job.refresh_from_db()
    assert job.status == "failed" and "没有导入任何数据" in job.error
    assert not Resident.objects.exists()


def test_a_running_check_shows_progress_and_polls(login, people, ledger, net):
    client = login(people["worker"])
    job = ImportJob.objects.create(user=people["worker"], station=net.station_a, source_name="x.xlsx",
                                   file_path=str(ledger), status="planning", progress=40)
    fragment = client.get(f"/people/import/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "40%" in fragment and "<html" not in fragment


def test_another_users_import_is_not_reachable(login, people, ledger, net, django_capture_on_commit_callbacks):
    job = _upload(login(people["worker"]), ledger, net, django_capture_on_commit_callbacks)
    from django.test import Client

    stranger = Client()
    stranger.force_login(people["worker_b"])
    for url in (f"/people/import/{job.pk}/", f"/people/import/{job.pk}/errors/"):
        assert stranger.get(url).status_code == 404
    assert stranger.post(f"/people/import/{job.pk}/apply/").status_code == 404


def test_a_task_run_twice_does_the_work_once(people, ledger, net):
    from wushe.people.tasks import plan_import_task

    job = ImportJob.objects.create(user=people["worker"], station=net.station_a, source_name="x.xlsx",
                                   file_path=str(ledger), consent_on=datetime.date(2024, 1, 23))
    plan_import_task.call(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(rows_read=0)
    plan_import_task.call(job.pk)  # already planned: claims nothing
    job.refresh_from_db()
    assert (job.status, job.rows_read) == ("ready", 0)


def test_template_download_has_chinese_headers(login, people):
    response = login(people["worker"]).get("/people/import/template/")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(response.getvalue())).active
    assert [c.value for c in ws[1]][:3] == ["姓名", "身份证号", "手机号"]
    assert ws.data_validations.dataValidation, "choice columns offer drop-down lists"


def test_a_gbk_csv_from_chinese_excel_is_read(people, tmp_path, options, net):
    path = tmp_path / "台账.csv"
    path.write_bytes(f"姓名,身份证号,社区\n王大爷,{ID_WANG},{net.community_a1.name}\n".encode("gb18030"))
    plan = plan_import(actor=people["worker"], path=path, options=options)
    assert [r.data["name"] for r in plan.creates] == ["王大爷"]


def test_a_job_that_hits_an_unexpected_error_ends_failed_and_drops_the_file(people, ledger, net, monkeypatch):
    from wushe.people.tasks import plan_import_task

    copy = ledger.with_name("copy.xlsx")
    copy.write_bytes(ledger.read_bytes())
    job = ImportJob.objects.create(user=people["worker"], station=net.station_a, source_name="x.xlsx",
                                   file_path=str(copy))
    monkeypatch.setattr(importing, "plan_import", mock.Mock(side_effect=OverflowError("boom")))
    plan_import_task.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "意外错误" in job.error and "boom" not in job.error
    assert not copy.exists(), "a ledger with plaintext IDs is not left behind"


def test_an_absurd_excel_serial_date_is_a_row_error():
    with pytest.raises(ValidationError):
        importing.parse_date(1e12)


@pytest.mark.parametrize("prune", [
    lambda old: call_command("prune_imports"),
    # The next upload's check sweeps them too, so nothing depends on a cron job.
    lambda old: plan_import_task.call(ImportJob.objects.create(
        user=old.user, station=old.station, source_name="next.csv", file_path="/nonexistent.csv").pk),
], ids=["command", "next-upload"])
def test_unconfirmed_uploads_are_deleted_after_a_week(people, ledger, net, prune):
    import datetime as dt

    from django.utils import timezone

    copy = ledger.with_name("old.xlsx")
    copy.write_bytes(ledger.read_bytes())
    old = ImportJob.objects.create(user=people["worker"], station=net.station_a, source_name="old.xlsx",
                                   file_path=str(copy), status="ready",
                                   created_at=timezone.now() - dt.timedelta(days=8))
    fresh = ImportJob.objects.create(user=people["worker"], station=net.station_a, source_name="new.xlsx",
                                     file_path=str(ledger), status="ready")
    prune(old)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("failed", "ready")
    assert not copy.exists() and ledger.exists()
