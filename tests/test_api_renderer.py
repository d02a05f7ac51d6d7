"""The API's renderer (sessions_app/api/renderers.py) writes the bytes DRF's own writes."""

import datetime as dt
import uuid
import zoneinfo
from collections import OrderedDict

from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import DateTimeField
from rest_framework.renderers import JSONRenderer as StockRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from sessions_app.api import output
from sessions_app.api.renderers import JSONRenderer

from .api_helpers import API, token_client

ZONES = [
    dt.UTC,
    *(zoneinfo.ZoneInfo(z) for z in ("Europe/London", "Asia/Kolkata", "America/St_Johns")),
]


def both(data, media_type=None, context=None):
    return (
        JSONRenderer().render(data, media_type, context),
        StockRenderer().render(data, media_type, context),
    )


def test_times_are_written_as_drf_writes_them_on_every_clock():
    for zone in ZONES:
        for moment in (
            dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC),  # no microseconds
            dt.datetime(2026, 7, 5, 10, 0, 0, 120, tzinfo=dt.UTC),  # summer time, micro
            dt.datetime(1901, 3, 1, 12, 30, tzinfo=dt.UTC),  # local mean time: offset seconds
            dt.datetime(1960, 3, 1, 12, 30, tzinfo=dt.UTC),
        ):
            field = DateTimeField(default_timezone=zone)
            ours = JSONRenderer().render({"at": output.when(moment, zone)})
            assert ours == StockRenderer().render({"at": field.to_representation(moment)})


def test_times_read_as_text_are_written_as_drf_writes_them():
    for zone in ZONES:
        for text in (
            "2026-07-05T10:00:00.000120+00:00",  # PostgreSQL's text
            "2026-07-05 10:00:00.000120",  # SQLite's: UTC without an offset
            "1901-03-01T12:30:00+00:00",  # local mean time
        ):
            moment = output.moment(text)
            field = DateTimeField(default_timezone=zone)
            ours = JSONRenderer().render({"at": output.at(text, zone)})
            assert ours == StockRenderer().render({"at": field.to_representation(moment)})
    assert output.at(None, dt.UTC) is None


def test_no_zone_has_an_offset_with_seconds_from_1973_on():
    # output.when and output.at check an offset's seconds only before then.
    for name in zoneinfo.available_timezones():
        zone = zoneinfo.ZoneInfo(name)
        for year in range(output._WHOLE_MINUTES_FROM, 2040):
            for month in (1, 7):
                moment = dt.datetime(year, month, 1, tzinfo=dt.UTC).astimezone(zone)
                assert moment.utcoffset().seconds % 60 == 0, (name, year)


def test_text_that_javascript_reads_differently_is_escaped_as_drf_does():
    data = {"body": "line\u2028next\u2029para", "name": "Chloé «Client» ☃ 👍", "q": '"<b>"\\'}
    ours, stock = both(data)
    assert ours == stock
    assert b"\\u2028" in ours
    assert "Chloé".encode() in ours  # UTF-8, not \\u escapes


def test_drf_s_own_types_and_lazy_text():
    data = ReturnDict(
        {
            "detail": ErrorDetail("Not found.", code="not_found"),
            "label": gettext_lazy("Open"),
            "id": uuid.UUID("5f0e7a1c-3b2d-4c8e-9a6f-1d2e3f405162"),
            "rows": ReturnList([OrderedDict(a=1, b=None, c=True)], serializer=None),
            "day": dt.date(2026, 11, 26),
        },
        serializer=None,
    )
    ours, stock = both(data)
    assert ours == stock


def test_what_orjson_cannot_write_is_left_to_drf():
    for data in ({"big": 2**70}, {1: "a key that is not text"}):
        ours, stock = both(data)
        assert ours == stock


def test_indented_output_is_drf_s():
    ours, stock = both({"a": [1, 2]}, "application/json; indent=2")
    assert ours == stock
    assert b"\n" in ours


def test_nothing_is_written_for_no_data():
    assert both(None) == (b"", b"")


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_value_is_written_as_drf_writes_it(value):
    ours, stock = both({"value": value})
    assert ours == stock


def test_the_api_answers_with_this_renderer(client_profile):
    response = token_client(client_profile.user).get(f"{API}/me/")
    assert response.status_code == 200
    assert type(response.accepted_renderer) is JSONRenderer
