import pytest

from tests.people import factories


@pytest.fixture
def make_resident(net):
    """``make_resident("张三", id_number=…)``: by default of 西园新村, kept by the 西园 station."""

    def _make(name="王大爷", **kwargs):
        kwargs.setdefault("station", net.station_a)
        kwargs.setdefault("community", net.community_a1)
        return factories.resident(name, **kwargs)

    return _make
