"""{% url %} (clinic/templatetags/url_memo.py): Django's answers, each reversed once."""

import uuid
from unittest import mock

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from clinic.templatetags import url_memo

SESSION = uuid.UUID("5f0e7a1c-3b2d-4c8e-9a6f-1d2e3f405162")


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.fixture(autouse=True)
def forgotten():
    url_memo._reverse.cache_clear()
    yield
    url_memo._reverse.cache_clear()


@pytest.fixture
def reverses():
    """Counts the calls of Django's reverse() that the tag makes."""
    with mock.patch.object(url_memo, "reverse", wraps=reverse) as spy:
        yield spy


def test_the_stock_tag_is_replaced_in_every_template():
    template = engines["django"].from_string("{% url 'clinic:home' %}")
    assert isinstance(template.template.nodelist[0], url_memo.MemoURLNode)


def test_gives_what_reverse_gives_for_names_args_and_kwargs():
    detail = reverse("sessions_app:provider-session-detail", args=[SESSION])
    assert render("{% url 'clinic:home' %}") == reverse("clinic:home")
    assert render("{% url 'sessions_app:provider-session-detail' s %}", s=SESSION) == detail
    assert (
        render("{% url 'sessions_app:provider-session-detail' session_id=s %}", s=SESSION) == detail
    )


def test_reverses_each_url_once(reverses):
    for _ in range(3):
        render(
            "{% url 'clinic:home' %}{% url 'sessions_app:provider-session-detail' s %}", s=SESSION
        )
    assert reverses.call_count == 2


def test_different_arguments_are_different_urls(reverses):
    other = uuid.UUID("00000000-0000-4000-8000-000000000001")
    first = render("{% url 'sessions_app:provider-session-detail' s %}", s=SESSION)
    second = render("{% url 'sessions_app:provider-session-detail' s %}", s=other)
    assert str(SESSION) in first
    assert str(other) in second
    assert reverses.call_count == 2


def test_a_model_instance_argument_is_reversed_every_time(reverses):
    class Named:
        # An object whose str() changes while it stays equal to itself, as a model
        # instance's may: the tag must not answer from memory.
        name = SESSION

        def __str__(self):
            return str(self.name)

    thing = Named()
    first = render("{% url 'sessions_app:provider-session-detail' t %}", t=thing)
    thing.name = uuid.UUID("00000000-0000-4000-8000-000000000002")
    second = render("{% url 'sessions_app:provider-session-detail' t %}", t=thing)
    assert str(SESSION) in first
    assert "00000000-0000-4000-8000-000000000002" in second
    assert reverses.call_count == 2


def test_the_script_prefix_is_part_of_the_answer():
    try:
        set_script_prefix("/clinic/")
        prefixed = render("{% url 'clinic:home' %}")
    finally:
        set_script_prefix("/")
    assert prefixed == "/clinic/"
    assert render("{% url 'clinic:home' %}") == "/"


def test_a_name_that_does_not_reverse_raises_or_gives_nothing_as_a_variable():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")
    assert render("{% url 'no-such-page' as u %}[{{ u }}]") == "[]"
    assert render("{% url 'clinic:home' as u %}[{{ u }}]") == "[/]"


def test_a_new_urlconf_forgets_what_was_remembered(reverses):
    render("{% url 'clinic:home' %}")
    with override_settings(ROOT_URLCONF="clinic.urls"):
        render("{% url 'clinic:home' %}")
    assert reverses.call_count == 2
