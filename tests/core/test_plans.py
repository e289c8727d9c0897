"""Prepared statements on PostgreSQL, and the reads kept out of them (wushe.core.plans)."""

import pytest
from django.db import connection

from wushe.core.models import Division
from wushe.core.plans import planned_for_their_values

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")]


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def _read_a_range(times: int) -> None:
    for _ in range(times):
        list(Division.objects.filter(code__gte="11", code__lte="12").values_list("pk"))


def test_a_read_run_often_is_prepared_except_inside_the_block():
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    assert threshold == 5  # the settings: statements run five times on a connection are prepared
    before = _prepared()
    with planned_for_their_values():
        assert connection.connection.prepare_threshold is None
        _read_a_range(threshold + 3)
    assert _prepared() == before  # planned for its values each time
    assert connection.connection.prepare_threshold == threshold  # and preparing is back after the block
    _read_a_range(threshold + 3)
    assert _prepared() > before


def test_the_block_gives_preparing_back_when_the_read_fails():
    connection.ensure_connection()
    with pytest.raises(ZeroDivisionError), planned_for_their_values():
        _ = 1 / 0
    assert connection.connection.prepare_threshold == 5
