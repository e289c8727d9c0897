"""The default ladder 三岗七级 (社区工作者职业体系: 正职、副职、专职工作者 three posts, seven
grades each), applying everywhere; districts may add their own."""

from django.db import migrations

NAME = "三岗七级"
POSTS = ["正职岗", "副职岗", "专职工作者岗"]


def add(apps, schema_editor):
    Ladder = apps.get_model("workforce", "Ladder")
    Grade = apps.get_model("workforce", "Grade")
    ladder, created = Ladder.objects.get_or_create(
        name=NAME, defaults={"note": "社区正职、副职、专职工作者三类岗位，每岗七级"})
    if created:
        Grade.objects.bulk_create([Grade(ladder=ladder, post=post, level=level, order=i)
                                   for i, post in enumerate(POSTS) for level in range(1, 8)])


def remove(apps, schema_editor):
    Ladder = apps.get_model("workforce", "Ladder")
    Worker = apps.get_model("workforce", "Worker")
    if not Worker.objects.filter(grade__ladder__name=NAME).exists():
        Ladder.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
