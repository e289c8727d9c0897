"""The default scoring sheet, after the dimensions of the national performance-evaluation
guide for social work service projects; stations and districts may add their own."""

from django.db import migrations

NAME = "社会工作服务项目绩效评估（参照国家指南）"
CRITERIA = [
    ("management", "项目执行计划与进度管理", 10),
    ("management", "财务管理与资金使用", 10),
    ("management", "档案与资料管理", 5),
    ("output", "产出指标完成情况", 25),
    ("outcome", "服务目标达成情况", 20),
    ("satisfaction", "服务对象满意度", 15),
    ("professional", "专业方法运用与督导", 15),
]


def add(apps, schema_editor):
    sheet_model, criterion_model = apps.get_model("projects", "ScoringSheet"), apps.get_model("projects", "Criterion")
    sheet, created = sheet_model.objects.get_or_create(name=NAME)
    if created:
        criterion_model.objects.bulk_create([criterion_model(sheet=sheet, dimension=d, item=i, points=p)
                                             for d, i, p in CRITERIA])


def remove(apps, schema_editor):
    apps.get_model("projects", "ScoringSheet").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
