"""clinic/jinja2.py: the pages' URLs and moments are Django's own, however they are kept."""

import datetime as dt
import uuid
import zoneinfo

import pytest
from django.urls import reverse, set_script_prefix, set_urlconf
from django.utils import formats, timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from clinic import jinja2 as env

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"]


@pytest.fixture(autouse=True)
def _fresh_memo():
    env._reverse.cache_clear()
    yield
    env._reverse.cache_clear()
    set_urlconf(None)
    set_script_prefix("/")


def test_url_is_reverse_for_names_and_arguments():
    session_id = uuid.uuid4()
    name = "sessions_app:provider-session-detail"
    assert env.url(name, session_id) == reverse(name, args=[session_id])
    assert env.url(name, session_id=session_id) == reverse(name, kwargs={"session_id": session_id})
    assert env.url("clinic:home") == reverse("clinic:home")
    other = uuid.uuid4()
    assert env.url(name, other) != env.url(name, session_id)


def test_url_follows_the_script_prefix():
    before = env.url("clinic:home")
    set_script_prefix("/clinic-a/")
    assert env.url("clinic:home") == "/clinic-a/" == reverse("clinic:home")
    assert before == "/"


def test_url_follows_the_urlconf_and_the_language():
    set_urlconf("tests.i18n_urls")
    with translation.override("en"):
        english = env.url("home")
    with translation.override("es"):
        spanish = env.url("home")
    assert (english, spanish) == ("/en/home/", "/es/home/")
    set_urlconf(None)
    assert env.url("clinic:home") == "/"


def test_url_for_each_row_is_reverse():
    for_each = env.url_for_each("sessions_app:portal-session-detail")
    for _ in range(5):
        value = uuid.uuid4()
        assert for_each(value) == reverse("sessions_app:portal-session-detail", args=[value])


def _django(value, format_name):
    return formats.date_format(timezone.localtime(value), format_name)


@given(
    moment=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2040, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    zone=st.sampled_from(ZONES),
    language=st.sampled_from(["en", "es"]),
)
def test_moments_are_django_s_formats_in_each_language_and_zone(moment, zone, language):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        local = timezone.localtime(moment)
        assert env.when(moment) == f"{_django(moment, 'SHORT_DATETIME_FORMAT')} {local.tzname()}"
        assert env.day(moment) == _django(moment, "SHORT_DATE_FORMAT")
        assert env.isoformat(moment) == local.isoformat()
        assert env.moment_parts(moment) == (env.isoformat(moment), env.when(moment))


def test_a_moment_reads_in_the_reader_s_language():
    moment = dt.datetime(2026, 12, 3, 15, 4, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        with translation.override("en"):
            assert env.when(moment) == "Thu 3 Dec 2026, 10:04 EST"
        with translation.override("es"):
            assert env.when(moment).startswith("jue 3 Dic 2026, 10:04")


def test_the_same_wall_minute_on_both_sides_of_a_clock_change_keeps_its_zone():
    # 01:30 happens twice in New York on 1 Nov 2026: EDT, then EST.
    first = dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)
    second = first + dt.timedelta(hours=1)
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        assert env.when(first).endswith("01:30 EDT")
        assert env.when(second).endswith("01:30 EST")


def test_formats_with_seconds_or_zones_are_not_kept_by_the_minute():
    assert env._by_the_minute("D j M Y, H:i")
    assert not env._by_the_minute("H:i:s")
    assert not env._by_the_minute("j M Y, H:i T")
    assert not env._by_the_minute(r"j \d\e F")


def test_missing_moments_read_as_a_dash():
    assert env.when(None) == "—" == env.day(None)
    assert env.isoformat(None) == ""
    assert env.moment_parts(None) == ("", "—")


def _jinja_s_own(source, **context):
    """`source` rendered with Jinja2's own newstyle gettext of Django's catalogs."""
    from django.template import engines
    from jinja2 import Environment

    own = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    own.install_gettext_translations(translation, newstyle=True)
    own.globals["number"] = engines["jinja2"].env.globals.get("number")
    return own.from_string(source).render(**context)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "source",
    [
        '{{ _("Held by %(provider)s", provider=name) }}',
        '{{ gettext("Message sent.") }}',
        '{{ ngettext("%(num)s unread message", "%(num)s unread messages", n) }}',
        '{{ ngettext("%(num)s session", "%(num)s sessions", 1) }}',
        '{{ pgettext("dashboard section", "In progress") }}',
        "{% trans %}Message sent.{% endtrans %}",
        "{% trans who=name %}Held by {{ who }}{% endtrans %}",
        "{% trans count=n %}{{ count }} item{% pluralize %}{{ count }} items{% endtrans %}",
    ],
)
def test_translations_fill_and_escape_as_jinja2_s_own(source, language):
    from django.template import engines

    context = {"name": '<b>"Ana" & Co</b>', "n": 3}
    with translation.override(language):
        ours = engines["jinja2"].from_string(source).render(context)
        assert ours == _jinja_s_own(source, **context)
    assert "<b>" not in ours


def test_a_dicts_keys_read_as_jinja2_reads_them():
    from django.template import engines
    from jinja2 import Environment

    source = (
        "{{ row.name }}|{{ row.items()|list|length }}|{{ row.get('name') }}|"
        "{{ row.missing is defined }}|{{ shadow.items is callable }}|{{ obj.name }}"
    )
    context = {
        "row": {"name": "<b>Ann</b>"},
        "shadow": {"items": "a key named like a method"},
        "obj": type("Obj", (), {"name": "attribute"})(),
    }
    ours = engines["jinja2"].env
    assert type(ours).getattr is not Environment.getattr
    plain = Environment(autoescape=True)
    assert ours.from_string(source).render(context) == plain.from_string(source).render(context)
    assert ours.from_string(source).render(context) == (
        "&lt;b&gt;Ann&lt;/b&gt;|1|&lt;b&gt;Ann&lt;/b&gt;|False|True|attribute"
    )


def _page(source):
    return env.environment(loader=None).from_string(source)


def test_a_render_reads_the_language_and_zone_active_when_it_starts():
    page = _page("{{ _('Sessions') }} {{ moment|when }} {{ get_language() }}")
    moment = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    for language, zone in (("es", "Europe/London"), ("en", "America/New_York")):
        with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
            expected = f"{translation.gettext('Sessions')} {env.when(moment)} {language}"
            assert page.render(moment=moment) == expected
    with translation.override("es"):
        assert page.render(moment=moment).startswith("Sesiones ")


def test_a_render_inside_a_render_reads_its_own_language_and_the_outer_one_is_restored():
    inner = _page("{{ _('Sessions') }}")

    def in_spanish():
        with translation.override("es"):
            return inner.render()

    outer = _page("{{ _('Sessions') }}/{{ in_spanish() }}/{{ _('Sessions') }}")
    with translation.override("en"):
        assert outer.render(in_spanish=in_spanish) == "Sessions/Sesiones/Sessions"
        # Outside a render, the helpers read the state of the moment.
        assert str(env.gettext("Sessions")) == "Sessions"
    with translation.override("es"):
        assert str(env.gettext("Sessions")) == "Sesiones"


def test_without_an_active_language_gettext_is_django_s():
    with translation.override(None):
        assert env.reading().catalog is None
        assert _page("{{ _('Sessions') }}").render() == translation.gettext("Sessions")
