"""The portal's pages write what they wrote before their rows were written in Python and
their queries compiled once (issue 7): each page is rendered on awkward data by the new code
and by the old templates and queries (kept here, the include of a session's label written in
place), and the two are held equal, to the byte."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.http import Http404
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Assignment, Feedback, Session
from sessions_app.views.portal import (
    LATEST_FEEDBACK,
    DashboardView,
    SessionDetailView,
    my_sessions,
    response_form,
)

from .sessions_helpers import schedule

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'\nsecond line"

OLD_DASHBOARD = r"""{% extends "base.html" %}
{% load care %}
{% block title %}My care{% endblock %}
{% block content %}
<h1 class="h3 mb-1">Welcome, {{ current_client.user.full_name }}</h1>
<p class="text-body-secondary">{{ current_clinic.name }}</p>

<div class="row g-4">
  <div class="col-lg-6">
    <section id="current-session" aria-labelledby="current-heading" class="mb-4">
      <h2 id="current-heading" class="h5">Current session</h2>
      {% if current %}
      <div class="card">
        <div class="card-body">
          <p class="mb-1">{% timing_badge current now %}</p>
          <p class="mb-1">{{ current.starts_at|moment }} – {{ current.ends_at|moment }}</p>
          <p class="small text-body-secondary mb-2">With {{ current.provider.user.full_name }} · homework {{ current.homework_done }} of {{ current.homework_total }} done{% if current.unread %} · {{ current.unread }} unread message{{ current.unread|pluralize }}{% endif %}</p>
          <a class="btn btn-primary" href="{% url 'sessions_app:portal-session-detail' current.uuid %}">Open this session</a>
        </div>
      </div>
      {% else %}
      <p class="text-body-secondary">You have no session in progress or coming up. Your care team will schedule the next one.</p>
      {% endif %}
    </section>

    <section id="homework-to-do" aria-labelledby="homework-heading" class="mb-4">
      <h2 id="homework-heading" class="h5">Homework to do</h2>
      {% if homework_to_do %}
      <ul class="list-group">
        {% for assignment in homework_to_do %}
        <li class="list-group-item d-flex justify-content-between align-items-start gap-2">
          <div>
            <a href="{% url 'sessions_app:portal-session-detail' assignment.session.uuid %}#hw-{{ assignment.uuid }}">{{ assignment.title }}</a>
            <div class="small text-body-secondary">Due {{ assignment.due_at|moment }} · session of {{ assignment.session.starts_at|date:"j M Y" }}</div>
          </div>
          {% if assignment.due_at < now %}<span class="badge text-bg-warning">Past due</span>{% endif %}
        </li>
        {% endfor %}
      </ul>
      {% else %}
      <p class="text-body-secondary">Nothing to do right now.</p>
      {% endif %}
      {% if homework_later %}
      <p class="small text-body-secondary mt-2">{{ homework_later }} more homework item{{ homework_later|pluralize }} in <a href="{% url 'sessions_app:portal-session-list' %}#upcoming">upcoming sessions</a>.</p>
      {% endif %}
    </section>
  </div>

  <div class="col-lg-6">
    <section id="unread-messages" aria-labelledby="unread-heading" class="mb-4">
      <h2 id="unread-heading" class="h5">Unread messages</h2>
      {% if unread_sessions %}
      <ul class="list-group">
        {% for session in unread_sessions %}
        <li class="list-group-item d-flex justify-content-between align-items-start gap-2">
          <div>
            <a href="{% url 'sessions_app:portal-session-detail' session.uuid %}#messages">Session of {{ session.starts_at|date:"j M Y" }} with {{ session.provider.user.full_name }}</a>
            <div class="small text-body-secondary">{{ session.starts_at|moment }} – {{ session.ends_at|moment }}</div>
          </div>
          <span class="badge rounded-pill text-bg-primary" data-unread="{{ session.unread }}">{{ session.unread }}<span class="visually-hidden"> unread message{{ session.unread|pluralize }}</span></span>
        </li>
        {% endfor %}
      </ul>
      {% else %}
      <p class="text-body-secondary">No unread messages.</p>
      {% endif %}
    </section>

    <section id="latest-feedback" aria-labelledby="feedback-heading" class="mb-4">
      <h2 id="feedback-heading" class="h5">Latest feedback</h2>
      {% if latest_feedback %}
      <ul class="list-unstyled vstack gap-2">
        {% for feedback in latest_feedback %}
        <li class="border-start border-3 border-success ps-2">
          <div class="small text-body-secondary">
            <strong class="text-body">{{ feedback.author.user.full_name }}</strong> on
            <a href="{% url 'sessions_app:portal-session-detail' feedback.assignment.session.uuid %}#hw-{{ feedback.assignment.uuid }}">{{ feedback.assignment.title }}</a>
            · {{ feedback.created_at|moment }}
          </div>
          <div class="text-prewrap">{{ feedback.body|truncatechars:300 }}</div>
        </li>
        {% endfor %}
      </ul>
      {% else %}
      <p class="text-body-secondary">No feedback yet.</p>
      {% endif %}
    </section>
  </div>
</div>
<p><a href="{% url 'sessions_app:portal-session-list' %}">All my sessions</a></p>
{% endblock %}
"""  # noqa: E501, RUF001 - the template as it was

OLD_SESSION_DETAIL = r"""{% extends "base.html" %}
{% load care %}
{% block title %}Session with {{ people.provider_name }}{% endblock %}
{% block content %}
<nav aria-label="Breadcrumb"><ol class="breadcrumb">
  <li class="breadcrumb-item"><a href="{% url 'sessions_app:portal-dashboard' %}">My care</a></li>
  <li class="breadcrumb-item"><a href="{% url 'sessions_app:portal-session-list' %}">My sessions</a></li>
  <li class="breadcrumb-item active" aria-current="page">Session of {{ session.starts_at|date:"j M Y" }}</li>
</ol></nav>

<h1 class="h3 mb-1">Session with {{ people.provider_name }} {% timing_badge session %}</h1>
<p class="mb-1">{{ session.starts_at|moment }} – {{ session.ends_at|moment }}</p>
<p class="text-body-secondary small">Held by {{ people.provider_name }}{% if people.provider_title %}, {{ people.provider_title }}{% endif %}</p>

{% include "sessions_app/includes/closed_banner.html" %}

<div class="row g-4">
  <div class="col-lg-7">
    <section id="homework" aria-labelledby="homework-heading" class="mb-4">
      <h2 id="homework-heading" class="h5">Homework</h2>
      {% for assignment, feedback, form, editable, action in assignment_rows %}
      <article class="card mb-3" id="hw-{{ assignment.uuid }}" aria-labelledby="hw-{{ assignment.uuid }}-title">
        <div class="card-body">
          <div class="d-flex justify-content-between flex-wrap gap-2">
            <h3 class="h6 mb-1" id="hw-{{ assignment.uuid }}-title">{{ assignment.title }}</h3>
            {% if assignment.is_completed %}<span class="badge text-bg-success">Completed</span>{% else %}<span class="badge text-bg-light border">To do</span>{% endif %}
          </div>
          <p class="small text-body-secondary mb-2">Due {{ assignment.due_at|moment }} · given by {{ assignment.given_by }}</p>
          {% if assignment.instructions %}<div class="text-prewrap mb-2">{{ assignment.instructions }}</div>{% endif %}
          <h4 class="h6">Your answer</h4>
          {% if editable %}
            {% if assignment.is_completed %}
            <p class="small text-body-secondary mb-1">Submitted {{ assignment.submitted_at|moment }}. You can change your answer until your care team gives feedback.</p>
            {% endif %}
            <form method="post" action="{{ action }}" novalidate>
              {% csrf_token %}
              {{ form|crispy_memo }}
              <button type="submit" class="btn btn-sm btn-primary">{% if assignment.is_completed %}Save changes{% else %}Submit answer{% endif %}<span class="visually-hidden"> to {{ assignment.title }}</span></button>
            </form>
          {% else %}
            {% if form.errors %}
            <div class="alert alert-danger" role="alert">
              {% for error in form.non_field_errors %}<p class="mb-0">{{ error }}</p>{% endfor %}
              {% for error in form.response.errors %}<p class="mb-0">{{ error }}</p>{% endfor %}
            </div>
            {% endif %}
            {% if assignment.is_completed %}
            <div class="text-prewrap bg-body-tertiary rounded p-2" data-answer>{{ assignment.response }}</div>
            <p class="small text-body-secondary">Submitted {{ assignment.submitted_at|moment }}.{% if feedback %} Your care team has given feedback, so this answer can no longer be changed.{% endif %}</p>
            {% else %}
            <p class="text-body-secondary">Not submitted.</p>
            {% endif %}
          {% endif %}
          {% if feedback %}{% include "sessions_app/includes/feedback_list.html" %}{% endif %}
        </div>
      </article>
      {% empty %}
      <p class="text-body-secondary">No homework in this session.</p>
      {% endfor %}
    </section>
  </div>
  <div class="col-lg-5">
    {% if session.is_closed and forms.message.errors %}
    <div class="alert alert-danger" role="alert">
      {% for error in forms.message.non_field_errors %}<p class="mb-0">{{ error }}</p>{% endfor %}
    </div>
    {% endif %}
    {% url 'sessions_app:portal-message-post' session.uuid as message_action %}
    {% include "sessions_app/includes/message_thread.html" with form=forms.message action=message_action %}
  </div>
</div>
{% endblock %}
"""  # noqa: E501, RUF001 - the template as it was


def old_dashboard_context(user, now):
    """What the dashboard's view gave its template before its queries were compiled."""
    sessions = my_sessions(user)
    open_homework = Assignment.objects.visible_to(user).filter(
        session__status=Session.Status.OPEN, submitted_at__isnull=True
    )
    return {
        "now": now,
        "current": sessions.open().filter(ends_at__gt=now).order_by("starts_at", "pk").first(),
        "homework_to_do": open_homework.filter(session__starts_at__lte=now)
        .select_related("session")
        .only("uuid", "title", "due_at", "session__uuid", "session__starts_at")
        .order_by("due_at", "pk"),
        "homework_later": open_homework.filter(session__starts_at__gt=now).count(),
        "unread_sessions": sessions.filter(unread__gt=0).order_by("-starts_at", "-pk"),
        "latest_feedback": Feedback.objects.visible_to(user)
        .select_related("author__user", "assignment__session")
        .only(
            "body",
            "created_at",
            "author__user__full_name",
            "assignment__uuid",
            "assignment__title",
            "assignment__session__uuid",
        )
        .order_by("-created_at", "-pk")[:LATEST_FEEDBACK],
    }


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_csrf(html):
    """The page without its CSRF tokens, masked anew at each use."""
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', html)


def render_old(source, context, request):
    return without_csrf(engines["django"].from_string(source).render(context, request))


def get(url, user):
    request = RequestFactory().get(url)
    request.user = user
    return request


@pytest.fixture(params=["America/New_York", "Asia/Kolkata", "Europe/London"])
def zone(request, clinic):
    """The clinic's time zone, in which the pages show times (a half-hour offset too)."""
    clinic.time_zone = request.param
    clinic.save()
    with timezone.override(zoneinfo.ZoneInfo(request.param)):
        yield


@pytest.fixture
def frozen(monkeypatch):
    """One `now` for the new and the old code (the data is made before it)."""

    def freeze():
        now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: now)
        return now

    return freeze


@pytest.fixture
def hostile_names(provider, clinic_admin):
    provider.user.full_name = f"Ben {HOSTILE}"
    provider.user.save()
    provider.title = HOSTILE
    provider.save()
    clinic_admin.user.full_name = f"Ava {HOSTILE}"
    clinic_admin.user.save()


# --- the dashboard ----------------------------------------------------------------------------


def busy_client(*, client, provider, admin, other_client, later):
    """Homework to do (some past due), `later` items in upcoming sessions, unread messages in
    some sessions and not others, more feedback than the dashboard shows, long and hostile
    text; and another client's, which the page must not show."""
    now = timezone.now()
    [current] = schedule(
        by=admin, client=client, provider=provider, start=now - dt.timedelta(days=1)
    )
    [overdue] = schedule(
        by=admin,
        client=client,
        provider=admin,
        start=now - dt.timedelta(days=10),
        homework=[f"Overdue {HOSTILE}"],
    )
    for i in range(12):
        due = now + dt.timedelta(hours=i * 7 - 20)  # the first three past due
        services.assignment_add(
            actor=provider.user, session=current, title=f"Item {i} {HOSTILE}", due_at=due
        )
    schedule(
        by=admin,
        client=client,
        provider=provider,
        start=now + dt.timedelta(days=6, hours=1),
        repeat=later,
        homework=["Later <b>one</b>"],
    )
    for i in range(LATEST_FEEDBACK + 2):
        [past] = schedule(
            by=admin,
            client=client,
            provider=provider,
            start=now - dt.timedelta(days=200 - 30 * i),  # across clock changes
            homework=[f"Past {i} {HOSTILE}"],
        )
        [item] = past.assignments.all()
        services.assignment_submit(actor=client.user, assignment=item, response=HOSTILE)
        body = {  # the latest are shown
            LATEST_FEEDBACK + 1: "x" * 298 + "<b>bold</b> past the cut",
            LATEST_FEEDBACK: "\nA first line left empty",
            LATEST_FEEDBACK - 1: "y" * 300,
            LATEST_FEEDBACK - 2: "z" * 301,
        }.get(i, f"{HOSTILE} {i}")
        services.feedback_give(actor=admin.user, assignment=item, body=body)
        services.message_post(actor=provider.user, session=past, body=f"Note {i}")
        if i % 2:
            services.message_post(actor=client.user, session=past, body="Read it.")
        services.session_close(actor=provider.user, session=past)
    for body in ("One", "Two", "Three"):
        services.message_post(actor=provider.user, session=current, body=body)
    services.message_post(actor=admin.user, session=overdue, body=HOSTILE)
    [theirs] = schedule(by=provider, client=other_client, homework=["Not yours"])
    services.message_post(actor=provider.user, session=theirs, body="Not yours")


@pytest.mark.usefixtures("zone", "hostile_names")
@pytest.mark.parametrize("later", [1, 3])
def test_the_dashboard_is_the_page_it_was(
    client_profile, provider, clinic_admin, other_client, frozen, later
):
    busy_client(
        client=client_profile,
        provider=provider,
        admin=clinic_admin,
        other_client=other_client,
        later=later,
    )
    now = frozen()
    request = get(reverse("sessions_app:portal-dashboard"), client_profile.user)
    new = without_csrf(DashboardView.as_view()(request).render().content.decode())
    assert new == render_old(
        OLD_DASHBOARD, old_dashboard_context(client_profile.user, now), request
    )
    # What the data was made to show (the equality above holds the rest).
    assert new.count("Past due</span>") == 4  # three of the current session's, the overdue's
    assert f"{later} more homework item{'s' if later > 1 else ''} in" in new
    assert new.count("data-unread=") == 6  # the two open sessions, the closed unanswered
    assert "Not yours" not in new
    assert "<script>" not in new and "&lt;b&gt;bold" not in new  # cut before the markup
    assert "x" * 298 + "&lt;…" in new and "y" * 300 + "<" in new and "z" * 299 + "…" in new
    assert "&#x27;quoted&#x27;\nsecond line 2" in new and "Past 1 " not in new


@pytest.mark.usefixtures("zone")
def test_an_empty_dashboard_is_the_page_it_was(other_client, frozen):
    now = frozen()
    request = get(reverse("sessions_app:portal-dashboard"), other_client.user)
    new = without_csrf(DashboardView.as_view()(request).render().content.decode())
    assert new == render_old(OLD_DASHBOARD, old_dashboard_context(other_client.user, now), request)
    for empty in ("You have no session", "Nothing to do", "No unread messages", "No feedback"):
        assert empty in new


# --- the session page -------------------------------------------------------------------------


def session_page(session, client, *, bound=None):
    """The page as the view writes it, and as the old template wrote it from the same
    context."""
    request = get(reverse("sessions_app:portal-session-detail", args=[session.uuid]), client.user)
    view = SessionDetailView()
    view.setup(request, session_id=session.uuid)
    view.client_profile = client
    response = view.render_page(view.get_session(session.uuid), bound=bound)
    new = without_csrf(response.render().content.decode())
    return new, render_old(OLD_SESSION_DETAIL, response.context_data, request)


def homework_of_every_kind(session, *, client, provider, admin):
    """Not submitted (with and without instructions), submitted, submitted with feedback."""
    items = [
        services.assignment_add(
            actor=admin.user,
            session=session,
            title=f"Item {i} {HOSTILE}",
            instructions=HOSTILE if i % 2 else "",
        )
        for i in range(4)
    ]
    for item in items[1:]:
        services.assignment_submit(actor=client.user, assignment=item, response=f"\n{HOSTILE}")
    for body in (HOSTILE, "\nSecond feedback"):
        services.feedback_give(actor=provider.user, assignment=items[3], body=body)
    services.message_post(actor=provider.user, session=session, body=HOSTILE)
    services.message_post(actor=client.user, session=session, body="Thanks")
    return items


@pytest.mark.usefixtures("zone", "hostile_names")
def test_the_session_page_is_the_page_it_was(client_profile, provider, clinic_admin, frozen):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    homework_of_every_kind(session, client=client_profile, provider=provider, admin=clinic_admin)
    frozen()
    new, old = session_page(session, client_profile)
    assert new == old
    assert new.count("<article") == 4 and new.count('<textarea name="response"') == 3
    assert "Save changes" in new and "can no longer be changed" in new
    assert "<script>" not in new


@pytest.mark.usefixtures("zone", "hostile_names")
def test_the_session_page_with_refused_answers_is_the_page_it_was(
    client_profile, provider, clinic_admin, frozen
):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    items = homework_of_every_kind(
        session, client=client_profile, provider=provider, admin=clinic_admin
    )
    frozen()
    empty = response_form(items[0], {"response": ""})
    late = response_form(items[3], {"response": "Changed"})
    assert not empty.is_valid() and late.is_valid()
    late.add_error(None, f"Refused: {HOSTILE}")
    bound = {f"response:{items[0].uuid}": empty, f"response:{items[3].uuid}": late}
    new, old = session_page(session, client_profile, bound=bound)
    assert new == old
    assert "This field is required." in new
    assert "Refused: &lt;script&gt;" in new and new.count('class="alert alert-danger"') == 1


@pytest.mark.usefixtures("zone", "hostile_names")
def test_a_closed_session_page_is_the_page_it_was(client_profile, provider, clinic_admin, frozen):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    homework_of_every_kind(session, client=client_profile, provider=provider, admin=clinic_admin)
    services.session_close(actor=provider.user, session=session, force=True, note=HOSTILE)
    session.refresh_from_db()
    frozen()
    new, old = session_page(session, client_profile)
    assert new == old
    assert "This session is closed" in new and "<textarea" not in new
    assert new.count("Not submitted.") == 1 and new.count("data-answer") == 3


@pytest.mark.usefixtures("zone")
def test_a_session_page_without_homework_is_the_page_it_was(
    client_profile, provider, clinic_admin, frozen
):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    frozen()
    new, old = session_page(session, client_profile)
    assert new == old
    assert "No homework in this session." in new


def test_another_clients_session_is_not_found(session, other_client, clinic_admin):
    def shown(client, session_id):
        view = SessionDetailView()
        view.setup(get("/", client.user), session_id=session_id)
        view.client_profile = client
        return view.get(view.request, session_id).context_data["session"]

    with pytest.raises(Http404):
        shown(other_client, session.uuid)
    [theirs] = schedule(by=clinic_admin, client=session.client, provider=None)
    assert shown(session.client, theirs.uuid) == theirs
