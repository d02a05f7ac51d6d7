"""The session pages' shortcuts (issue 7) write what the slow way wrote: crispy's HTML
remembered for unbound forms, the `moment` filter, the thread's items written in Python,
the badges made once, and the page's rows read with SQL compiled once."""

import datetime as dt
import zoneinfo

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from clinic.models import CareProvider
from sessions_app import services
from sessions_app.forms import FeedbackForm, HomeworkForm, MessageForm, ResponseForm
from sessions_app.models import Assignment, Message, ReadPosition, Session
from sessions_app.templatetags import care
from sessions_app.views.common import SessionPageData, message_form
from sessions_app.views.portal import response_form
from sessions_app.views.provider import feedback_form, homework_form

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
HOSTILE = "<script>alert(\"x\")</script> & 'quoted'\nsecond line"


def render(source, **context):
    return engines["django"].from_string("{% load care %}" + source).render(context)


@pytest.fixture
def memo():
    """An empty memo for each test, whatever the others left in it."""
    care._form_html.clear()
    yield care._form_html
    care._form_html.clear()


# --- crispy_memo ----------------------------------------------------------------------------


def page_forms(session):
    """Every form the two session pages show, unbound, as the views make them."""
    done, todo = session.assignments.order_by("pk")[:2]
    return [
        message_form(),
        homework_form(),
        feedback_form(done),
        feedback_form(todo),
        response_form(done),  # the client's answer as its initial value
        response_form(todo),  # empty
    ]


def test_remembered_html_is_crispys_html_for_every_page_form(session, client_profile, memo):
    done = session.assignments.order_by("pk").first()
    services.assignment_submit(actor=client_profile.user, assignment=done, response=HOSTILE)
    done.refresh_from_db()
    for _ in range(2):  # rendered and remembered, then from the memo
        for form, fresh in zip(page_forms(session), page_forms(session), strict=True):
            assert care.crispy_memo(form) == as_crispy_form(fresh)
        assert len(memo) == 6
    # The answer is in its form, escaped, as crispy writes it.
    answer = care.crispy_memo(response_form(done))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in answer


def test_each_difference_gets_its_own_html(memo):
    shown = {
        care.crispy_memo(form)
        for form in (
            MessageForm(),
            MessageForm(auto_id="id_message_%s"),
            MessageForm(prefix="other"),
            MessageForm(initial={"body": "Hello"}),
            MessageForm(use_required_attribute=False),
            FeedbackForm(),  # the same field, another label
        )
    }
    assert len(shown) == len(memo) == 6
    relabelled = MessageForm()
    relabelled.fields["body"].label = "Your message"
    narrowed = MessageForm()
    narrowed.fields["body"].max_length = 10
    styled = MessageForm()
    styled.fields["body"].widget.attrs["rows"] = 9
    for form in (relabelled, narrowed, styled):
        assert care.crispy_memo(form) == as_crispy_form(form)
    assert len(memo) == 9


def test_the_wall_clock_and_the_language_are_part_of_the_memo(memo):
    class When(forms.Form):
        at = forms.DateTimeField(initial=dt.datetime(2027, 1, 4, 14, 0, tzinfo=dt.UTC))

    with timezone.override(NEW_YORK):
        new_york = care.crispy_memo(When())
    with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
        london = care.crispy_memo(When())
        assert london == as_crispy_form(When())
    assert 'value="2027-01-04 09:00:00"' in new_york
    assert 'value="2027-01-04 14:00:00"' in london


@pytest.mark.parametrize(
    ("make", "data", "error"),
    [
        (message_form, {"body": ""}, "This field is required."),
        (homework_form, {"title": "", "due_at": "soon"}, "Enter a valid date/time."),
        (lambda data: ResponseForm(data), {"response": "x" * 20_001}, "at most 20000"),
    ],
)
def test_bound_forms_are_rendered_afresh_with_their_errors(make, data, error, memo):
    form = make(data)
    assert not form.is_valid()
    shown = care.crispy_memo(form)
    assert shown == as_crispy_form(form)
    assert error in shown
    assert "is-invalid" in shown and 'aria-invalid="true"' in shown
    assert "aria-describedby=" in shown and "_error" in shown
    assert not memo
    assert care.crispy_memo(make(None)) != shown  # the empty form is not the bound one


def test_choices_from_the_database_are_never_remembered(provider, memo):
    class Pick(forms.Form):
        who = forms.ModelChoiceField(CareProvider.objects.all())

    assert care.unbound_form_key(Pick()) is None
    assert "Ben Provider" in care.crispy_memo(Pick())
    provider.user.full_name = "Benjamin"
    provider.user.save()
    assert "Benjamin" in care.crispy_memo(Pick())
    assert not memo


def test_the_memo_keeps_the_most_recently_used(memo, monkeypatch):
    monkeypatch.setattr(care, "FORM_HTML_MAX", 3)
    care.crispy_memo(HomeworkForm(auto_id="first_%s"))
    for n in range(3):
        care.crispy_memo(MessageForm(auto_id=f"m{n}_%s"))
        care.crispy_memo(HomeworkForm(auto_id="first_%s"))  # kept in use
    assert len(memo) == 3
    assert care.unbound_form_key(HomeworkForm(auto_id="first_%s")) in memo
    assert care.unbound_form_key(MessageForm(auto_id="m0_%s")) not in memo


def test_pages_show_their_forms_as_crispy_writes_them(login, session, provider, client_profile):
    done = session.assignments.order_by("pk").first()
    services.assignment_submit(actor=client_profile.user, assignment=done, response="Done")
    provider_page = login(provider.user).get(
        reverse("sessions_app:provider-session-detail", args=[session.uuid])
    )
    html = provider_page.content.decode()
    for form in (message_form(), homework_form(), feedback_form(done)):
        assert as_crispy_form(form) in html
    portal_page = login(client_profile.user).get(
        reverse("sessions_app:portal-session-detail", args=[session.uuid])
    )
    html = portal_page.content.decode()
    for form in [*page_forms(session)[4:], message_form()]:
        assert as_crispy_form(form) in html


def test_pages_show_refused_forms_with_their_errors(login, session, provider, client_profile):
    c = login(provider.user)
    response = c.post(
        reverse("sessions_app:provider-message-post", args=[session.uuid]), {"body": " "}
    )
    html = response.content.decode()
    assert 'aria-describedby="id_message_body_error"' in html
    assert 'class="textarea form-control is-invalid"' in html
    assert 'id="id_message_body_error" class="invalid-feedback"' in html
    todo = session.assignments.order_by("pk").first()
    response = c.post(
        reverse("sessions_app:provider-feedback-give", args=[todo.uuid]), {"body": "Good"}
    )
    html = response.content.decode()
    assert f'aria-describedby="id_feedback_{todo.uuid}_body_error"' in html
    assert "has not submitted this homework yet" in html
    # The next page shows an empty form again, without the error.
    html = c.get(reverse("sessions_app:provider-session-detail", args=[session.uuid]))
    assert "is-invalid" not in html.content.decode()


# --- moment, timing badges, thread items ----------------------------------------------------


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London", "Asia/Kolkata", "UTC"])
def test_when_writes_what_strftime_wrote(zone):
    start = dt.datetime(2026, 12, 31, 0, 7, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for hours in range(0, 24 * 400, 5):  # every weekday, month and hour of a year
            value = start + dt.timedelta(hours=hours, minutes=hours % 60)
            local = timezone.localtime(value)
            before = local.strftime("%a %-d %b %Y, %H:%M ") + (local.tzname() or "")
            assert care.when(value) == before
    assert care.when(None) == "—"


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2027, 1, 4, 14, 0, tzinfo=dt.UTC),  # winter: EST
        dt.datetime(2027, 7, 4, 14, 0, 5, 123456, tzinfo=dt.UTC),  # summer, microseconds
        dt.datetime(2027, 3, 14, 7, 30, tzinfo=dt.UTC),  # the hour clocks go forward
        None,
    ],
)
@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London", "Asia/Kolkata", "UTC"])
def test_moment_is_the_time_element_the_pages_wrote(value, zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        before = render("<time datetime=\"{{ v|date:'c' }}\">{{ v|when }}</time>", v=value)
        assert render("{{ v|moment }}", v=value) == before


@pytest.mark.parametrize("timing", list(Session.Timing))
def test_timing_badges_are_the_markup_they_were(timing):
    class Fixed:
        def timing_at(self, now):
            return timing

    assert render("{% timing_badge s %}", s=Fixed()) == format_html(
        '<span class="badge {}" data-timing="{}">{}</span>',
        care.TIMING_STYLES[timing],
        timing.value,
        timing.label,
    )


# The thread's items as the template wrote them before care.message_items.
THREAD_TEMPLATE = """{% for message in thread %}
    <li class="card{% if message.mine %} border-primary-subtle{% endif %}">
      <div class="card-body py-2">
        <div class="small text-body-secondary mb-1">
          <strong class="text-body">{{ message.author_name }}</strong>
          · {{ message.role }}
          · <time datetime="{{ message.created_at|date:'c' }}">{{ message.created_at|when }}</time>
        </div>
        <div class="text-prewrap">{{ message.body }}</div>
      </div>
    </li>
    {% endfor %}"""


def test_thread_items_are_what_the_template_wrote(session, provider, clinic_admin, client_profile):
    clinic_admin.title = ""  # shown as "Care provider"
    clinic_admin.save()
    provider.title = HOSTILE
    provider.save()
    client_profile.user.full_name = HOSTILE
    client_profile.user.save()
    for author in (client_profile.user, provider.user, clinic_admin.user):
        services.message_post(actor=author, session=session, body=f"{HOSTILE} {author.pk}")
    thread = SessionPageData(session, provider.user).thread
    assert [m["role"] for m in thread] == ["Client", HOSTILE, "Care provider"]
    assert [m["mine"] for m in thread] == [False, True, False]
    with timezone.override(NEW_YORK):
        written = render("{% message_items thread %}", thread=thread)
        assert written == render(THREAD_TEMPLATE, thread=thread)
    assert "<script>" not in written and written.count("&lt;script&gt;") == 5


# --- the page's reads -----------------------------------------------------------------------


def test_page_data_has_the_people_and_the_homework_with_its_session_and_feedback(
    session, provider, client_profile, django_assert_num_queries
):
    done, todo = session.assignments.order_by("pk")
    services.assignment_submit(actor=client_profile.user, assignment=done, response="Done")
    for body in ("First", "Second"):
        services.feedback_give(actor=provider.user, assignment=done, body=body)
    message = services.message_post(actor=client_profile.user, session=session, body="Hi")
    with django_assert_num_queries(5):
        page = SessionPageData(session, provider.user)
    for loaded in page.assignments:  # as the ORM loads them, times aware on both databases
        fresh = Assignment.objects.get(pk=loaded.pk)
        assert [getattr(loaded, f.attname) for f in Assignment._meta.concrete_fields] == [
            getattr(fresh, f.attname) for f in Assignment._meta.concrete_fields
        ]
        assert loaded.due_at.tzinfo is not None and not loaded._state.adding
    assert page.thread == [
        {
            "id": message.pk,
            "mine": False,
            "author_name": "Chloe Client",
            "role": "Client",
            "created_at": Message.objects.get(pk=message.pk).created_at,
            "body": "Hi",
        }
    ]
    with django_assert_num_queries(0):
        assert (page.upto, page.read_upto) == (message.pk, None)  # Ben has not opened it
        assert page.people == {
            "client_uuid": client_profile.uuid,
            "client_name": "Chloe Client",
            "provider_name": "Ben Provider",
            "provider_title": "Counsellor",
            "created_by_name": "Ava Admin",
            "closed_by_name": None,
        }
        assert [a.pk for a in page.assignments] == [done.pk, todo.pk]
        assert page.assignments[0].session is session
        assert page.assignments[0].given_by == "Ava Admin"
        assert page.assignments[0].response == "Done" and page.assignments[0].is_completed
        assert [f["body"] for f in page.feedback[done.pk]] == ["First", "Second"]
        assert page.feedback[done.pk][0]["author_name"] == "Ben Provider"
        assert not page.feedback[todo.pk]


def test_opening_the_page_reads_what_it_shows(login, session, provider, client_profile):
    first = services.message_post(actor=client_profile.user, session=session, body="One")
    services.message_post(actor=client_profile.user, session=session, body="Two")
    # A page that showed only the first message marks only that one read.
    services.session_mark_read(user=provider.user, session=session, upto=first.pk)
    assert ReadPosition.objects.get(session=session, user=provider.user).last_read_message_id == (
        first.pk
    )
    login(provider.user).get(reverse("sessions_app:provider-session-detail", args=[session.uuid]))
    assert ReadPosition.objects.get(session=session, user=provider.user).last_read_message_id == (
        session.messages.latest("pk").pk
    )


def test_a_page_writes_the_read_position_only_when_it_moves(
    login, session, provider, client_profile, django_assert_num_queries
):
    first = services.message_post(actor=client_profile.user, session=session, body="One")
    page = SessionPageData(session, provider.user)
    assert (page.upto, page.read_upto) == (first.pk, None)
    services.session_mark_read(user=provider.user, session=session, upto=page.upto)
    page = SessionPageData(session, provider.user)
    assert page.read_upto == first.pk
    with django_assert_num_queries(0):  # read already: nothing to look up or write
        services.session_mark_read(
            user=provider.user, session=session, upto=page.upto, read_upto=page.read_upto
        )
    second = services.message_post(actor=client_profile.user, session=session, body="Two")
    page = SessionPageData(session, provider.user)
    with django_assert_num_queries(1):  # known, behind: moved on
        services.session_mark_read(
            user=provider.user, session=session, upto=page.upto, read_upto=page.read_upto
        )
    position = ReadPosition.objects.get(session=session, user=provider.user)
    assert position.last_read_message_id == second.pk
    # Never backwards, whatever an older page says.
    services.session_mark_read(user=provider.user, session=session, upto=first.pk, read_upto=0)
    position.refresh_from_db()
    assert position.last_read_message_id == second.pk
