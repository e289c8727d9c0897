import io

import pytest
from openpyxl import load_workbook

from wushe.core.models import Station

pytestmark = pytest.mark.django_db


def test_a_station_name_that_looks_like_a_formula_stays_text(login, people, net):
    Station.objects.filter(pk=net.station_a.pk).update(name='=HYPERLINK("http://x.example","点我")')

    response = login(people["street"]).get("/stations/?export=xlsx")

    ws = load_workbook(io.BytesIO(response.getvalue())).active
    cells = [c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert cells, "the station row is exported"
    assert all(c.data_type == "s" for c in cells)


def test_phone_numbers_with_a_plus_are_exported_unchanged(login, people, net):
    Station.objects.filter(pk=net.station_a.pk).update(contact_phone="+86 551 6234 5678")

    response = login(people["street"]).get("/stations/?export=xlsx")

    values = [c.value for row in load_workbook(io.BytesIO(response.getvalue())).active.iter_rows() for c in row]
    assert "+86 551 6234 5678" in values
