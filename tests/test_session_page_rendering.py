"""The session pages' pieces: the text forms written without crispy, the thread, and the
page's reads (selectors.session_page_data), which run SQL compiled once."""

import datetime as dt
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from sessions_app import selectors, services
from sessions_app.forms import HomeworkForm, HomeworkItemForm, MessageForm, ResponseForm
from sessions_app.models import Assignment, Message, ReadPosition
from sessions_app.views.common import message_form
from sessions_app.views.portal import response_form
from sessions_app.views.provider import feedback_form

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
HOSTILE = "<script>alert(\"x\")</script> & 'quoted'\nsecond line"


def soup(html):
    return BeautifulSoup(html, "html.parser")


def text_fields(form):
    source = '{% from "macros/forms.html" import text_fields %}{{ text_fields(form) }}'
    return engines["jinja2"].from_string(source).render({"form": form})


def controls(html):
    """What a browser and a screen reader take from a form's fields: each control with
    its attributes, the text of its label, of what describes it, and its value."""
    document = soup(html)
    found = {}
    for control in document.select(".form-control, .form-select"):
        attributes = dict(control.attrs)
        attributes.pop("class")
        described = [
            document.find(id=i).get_text(" ", strip=True)
            for i in attributes.pop("aria-describedby", "").split()
        ]
        label = document.find("label", attrs={"for": control["id"]})
        if control.name == "select":
            value = [(o["value"], o.get_text(), o.has_attr("selected")) for o in control("option")]
        elif control.name == "textarea":
            value = control.get_text()
        else:
            value = attributes.pop("value", "")
        found[control["name"]] = {
            "attributes": attributes,
            "classes": set(control["class"]) - {"textinput", "textarea", "datetimeinput", "select"},
            "label": label.get_text(" ", strip=True),
            "described": described,
            "value": value,
        }
    errors = [li.get_text(strip=True) for li in document.select(".alert-danger li")]
    return found, errors


def page_forms(session):
    """The text forms the two session pages show, as the views make them."""
    done, todo = session.assignments.order_by("pk")[:2]
    return [
        HomeworkItemForm(),  # its kind a select
        message_form(),
        feedback_form(done),
        response_form(done),  # the client's answer as its initial value
        response_form(todo),  # empty
    ]


# --- text forms -----------------------------------------------------------------------------


def test_text_forms_have_what_crispy_gives_them(session, client_profile):
    done = session.assignments.order_by("pk").first()
    services.assignment_submit(actor=client_profile.user, assignment=done, response=HOSTILE)
    done.refresh_from_db()
    with timezone.override(NEW_YORK):
        for form in page_forms(session):
            assert controls(text_fields(form)) == controls(as_crispy_form(form))
    # The answer is in its form, as text.
    answer = text_fields(response_form(done))
    assert "<script>" not in answer
    assert soup(answer).find("textarea").get_text() == f"\n{HOSTILE}"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (MessageForm({"body": ""}, auto_id="id_message_%s"), "This field is required."),
        (HomeworkForm({"title": "", "due_at": "soon"}), "Enter a valid date/time."),
        (HomeworkForm({"title": "Walk", "due_at": "2027-01-04T09:00"}), None),
        (HomeworkItemForm({"kind": "beck", "title": "BDI"}), "Select a valid choice."),
        (ResponseForm({"response": "x" * 20_001}), "at most 20000"),
    ],
)
def test_refused_forms_show_their_errors_beside_their_fields(form, error):
    form.is_valid()
    if error is None:  # a service's refusal
        form.add_error(None, f"Refused: {HOSTILE}")
    html = text_fields(form)
    with timezone.override(NEW_YORK):
        assert controls(html) == controls(as_crispy_form(form))
    found, errors = controls(html)
    if error is None:
        assert errors == [f"Refused: {HOSTILE}"]
        assert 'aria-invalid="true"' not in html
        return
    invalid = {name for name, control in found.items() if "is-invalid" in control["classes"]}
    assert invalid == set(form.errors)
    for name in invalid:
        assert found[name]["attributes"]["aria-invalid"] == "true"
        assert found[name]["described"][-1] == " ".join(form.errors[name])
    assert error in " ".join(text for name in invalid for text in found[name]["described"])
    # What was typed is shown again (a choice that is not one is shown as none chosen).
    for name in invalid:
        if isinstance(found[name]["value"], list):
            assert not any(chosen for _, _, chosen in found[name]["value"])
        else:
            assert found[name]["value"].removeprefix("\n") == form.data.get(name, "")


def test_values_are_shown_on_the_clinics_wall_clock():
    form = HomeworkForm(initial={"due_at": dt.datetime(2027, 1, 4, 14, 0, tzinfo=dt.UTC)})
    with timezone.override(NEW_YORK):
        found, _ = controls(text_fields(form))
    assert found["due_at"]["value"] == "2027-01-04T09:00"
    assert found["due_at"]["attributes"]["type"] == "datetime-local"


def test_pages_show_refused_forms_with_their_errors(login, session, provider, client_profile):
    c = login(provider.user)
    response = c.post(
        reverse("sessions_app:provider-message-post", args=[session.uuid]), {"body": " "}
    )
    found, _ = controls(response.content.decode())
    assert found["body"]["attributes"]["aria-invalid"] == "true"
    assert found["body"]["described"] == ["This field is required."]
    todo = session.assignments.order_by("pk").first()
    response = c.post(
        reverse("sessions_app:provider-feedback-give", args=[todo.uuid]), {"body": "Good"}
    )
    item = soup(response.content.decode()).find(id=f"hw-{todo.uuid}")
    assert "has not submitted this homework yet" in item.find("form").get_text()
    assert item.find("textarea", id=f"id_feedback_{todo.uuid}_body").get_text() == "\nGood"
    # The next page shows an empty form again, without the error.
    html = c.get(reverse("sessions_app:provider-session-detail", args=[session.uuid]))
    assert "is-invalid" not in html.content.decode()


def test_each_feedback_form_has_its_own_ids_and_names_its_item(
    login, session, provider, client_profile
):
    for assignment in session.assignments.all():
        services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    response = login(provider.user).get(
        reverse("sessions_app:provider-session-detail", args=[session.uuid])
    )
    document = soup(response.content.decode())
    ids = [element["id"] for element in document.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for assignment in session.assignments.all():
        form = document.find("form", action=f"/provider/homework/{assignment.uuid}/feedback/")
        textarea = form.find("textarea", attrs={"name": "body"})
        assert form.find("label", attrs={"for": textarea["id"]}).get_text(strip=True) == (
            "Feedback*"
        )
        button = form.find("button", type="submit")
        assert button.get_text() == "Give feedback"
        assert button["aria-label"] == f"Give feedback on {assignment.title}"


# --- the thread ---------------------------------------------------------------------------


def test_the_thread_shows_each_author_with_their_role(
    login, session, provider, clinic_admin, client_profile
):
    clinic_admin.title = ""  # shown as "Care provider"
    clinic_admin.save()
    provider.title = HOSTILE
    provider.save()
    client_profile.user.full_name = HOSTILE
    client_profile.user.save()
    for author in (client_profile.user, provider.user, clinic_admin.user):
        services.message_post(actor=author, session=session, body=f"{HOSTILE} {author.pk}")
    with timezone.override(NEW_YORK):
        response = login(provider.user).get(
            reverse("sessions_app:provider-session-detail", args=[session.uuid])
        )
    html = response.content.decode()
    assert "<script>" not in html
    items = soup(html).select("#messages ol > li")
    heads = [item.select_one(".small") for item in items]
    assert [head.strong.get_text() for head in heads] == [HOSTILE, "Ben Provider", "Ava Admin"]
    roles = [" ".join(head.get_text().split()).split(" · ")[1] for head in heads]
    assert roles == ["Client", " ".join(HOSTILE.split()), "Care provider"]
    assert [item.select_one(".text-prewrap").get_text() for item in items] == [
        f"{HOSTILE} {author.pk}"
        for author in (client_profile.user, provider.user, clinic_admin.user)
    ]
    # The reader's own messages stand out.
    assert ["border-primary-subtle" in item["class"] for item in items] == [False, True, False]
    for item, message in zip(items, Message.objects.order_by("pk"), strict=True):
        time = item.find("time")
        assert time["datetime"] == message.created_at.astimezone(NEW_YORK).isoformat()
        assert time.get_text().endswith(("EST", "EDT"))


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
        page = selectors.session_page_data(session=session, viewer=provider.user)
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
            "by_client": True,
            "provider_title": None,
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
            "cancelled_by_name": None,
        }
        assert [a.pk for a in page.assignments] == [done.pk, todo.pk]
        assert page.assignments[0].session is session
        assert page.assignments[0].given_by == "Ava Admin"
        assert page.assignments[0].response == "Done" and page.assignments[0].is_completed
        assert [f["body"] for f in page.feedback[done.pk]] == ["First", "Second"]
        assert page.feedback[done.pk][0]["author_name"] == "Ben Provider"
        assert not page.feedback[todo.pk]
        assert not page.ready_to_close  # the walk is not done


def test_page_data_is_what_the_orm_reads(session, provider, clinic_admin, client_profile):
    """The compiled reads give what the plain querysets give."""
    done = session.assignments.order_by("pk").first()
    services.assignment_submit(actor=client_profile.user, assignment=done, response="Done")
    services.feedback_give(actor=clinic_admin.user, assignment=done, body="Good")
    for author in (client_profile.user, provider.user, clinic_admin.user):
        services.message_post(actor=author, session=session, body=f"By {author.pk}")
    page = selectors.session_page_data(session=session, viewer=client_profile.user)
    messages = Message.objects.filter(session=session).with_authors().order_by("pk")
    assert [(m["id"], m["author_name"], m["body"], m["created_at"]) for m in page.thread] == [
        (m.pk, m.author.full_name, m.body, m.created_at) for m in messages
    ]
    assert [m["by_client"] for m in page.thread] == [m.author_role == "client" for m in messages]
    assert [m["mine"] for m in page.thread] == [True, False, False]
    assert [(a.pk, a.given_by) for a in page.assignments] == [
        (a.pk, a.created_by.user.full_name)
        for a in session.assignments.select_related("created_by__user").order_by("created_at")
    ]
    assert {pk: [f["body"] for f in rows] for pk, rows in page.feedback.items() if rows} == {
        done.pk: ["Good"]
    }


def test_a_session_page_is_found_only_in_scope(session, provider, other_client, off_team_provider):
    assert selectors.session_page(viewer=provider.user, session_id=session.uuid).session == session
    for outsider in (other_client.user, off_team_provider.user):
        assert selectors.session_page(viewer=outsider, session_id=session.uuid) is None
        assert selectors.visible_session(viewer=outsider, session_id=session.uuid) is None


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
    page = selectors.session_page_data(session=session, viewer=provider.user)
    assert (page.upto, page.read_upto) == (first.pk, None)
    services.session_mark_read(user=provider.user, session=session, upto=page.upto)
    page = selectors.session_page_data(session=session, viewer=provider.user)
    assert page.read_upto == first.pk
    with django_assert_num_queries(0):  # read already: nothing to look up or write
        services.session_mark_read(
            user=provider.user, session=session, upto=page.upto, read_upto=page.read_upto
        )
    second = services.message_post(actor=client_profile.user, session=session, body="Two")
    page = selectors.session_page_data(session=session, viewer=provider.user)
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
