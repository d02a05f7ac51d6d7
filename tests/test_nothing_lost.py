"""Nothing half-written: multi-step writes are atomic, emails wait for the commit, and
concurrent writers leave exactly one consistent result."""

import threading

import pytest
from django.core import mail
from django.db import transaction

from clinic import services as clinic_services
from clinic.models import Client, User
from sessions_app import services
from sessions_app.models import Assignment, Session

from .rows import row_counts
from .sessions_helpers import schedule


def test_a_failure_half_way_through_a_series_leaves_no_session(
    provider, client_profile, monkeypatch
):
    before = row_counts()
    real_save = Session.save
    saved = []

    def failing_save(self, *args, **kwargs):
        if len(saved) == 3:
            raise RuntimeError("the database went away")
        saved.append(self)
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", failing_save)
    with pytest.raises(RuntimeError):
        schedule(by=provider, client=client_profile, repeat=10, homework=["A", "B"])
    assert len(saved) == 3  # it really failed half-way
    assert row_counts() == before


def test_an_invitation_email_is_sent_only_after_commit(clinic_admin, rf):
    request = rf.get("/")
    mail.outbox.clear()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        clinic_services.person_invite(
            actor=clinic_admin.user,
            email="new@example.test",
            full_name="New Person",
            role="client",
            build_absolute_uri=request.build_absolute_uri,
        )
        raise Boom
    assert mail.outbox == []
    assert not User.objects.filter(email="new@example.test").exists()


def test_an_invitation_email_is_sent_once_committed(
    clinic_admin, rf, django_capture_on_commit_callbacks
):
    request = rf.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        clinic_services.person_invite(
            actor=clinic_admin.user,
            email="new@example.test",
            full_name="New Person",
            role="client",
            build_absolute_uri=request.build_absolute_uri,
        )
    assert [m.to for m in mail.outbox] == [["new@example.test"]]
    assert Client.objects.filter(user__email="new@example.test").exists()


def run_together(count, work):
    """Start `count` threads at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        from django.db import connection

        try:
            barrier.wait()
            outcomes.append(work())
        except Exception as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_leave_one_consistent_answer(session, client_profile):
    assignment = session.assignments.first()
    answers = iter(range(20))
    lock = threading.Lock()

    def submit():
        with lock:
            n = next(answers)
        services.assignment_submit(
            actor=client_profile.user, assignment=assignment, response=f"answer {n}"
        )
        return f"answer {n}"

    outcomes = run_together(20, submit)
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assignment.refresh_from_db()
    # One of the submitted answers, whole, and marked completed.
    assert assignment.response in outcomes
    assert assignment.submitted_at is not None
    assert Assignment.objects.filter(pk=assignment.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_submissions_racing_feedback_never_edit_after_feedback(session, client_profile, provider):
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="v1")

    def submit():
        services.assignment_submit(actor=client_profile.user, assignment=assignment, response="v2")
        return "submitted"

    def give():
        services.feedback_give(actor=provider.user, assignment=assignment, body="Good")
        return "feedback"

    barrier_work = [submit] * 10 + [give]
    index = iter(range(len(barrier_work)))
    lock = threading.Lock()

    def work():
        with lock:
            job = barrier_work[next(index)]
        return job()

    outcomes = run_together(len(barrier_work), work)
    assert outcomes.count("feedback") == 1
    assignment.refresh_from_db()
    feedback = assignment.feedback.get()
    # Every submission that succeeded came before the feedback; none after it.
    assert assignment.submitted_at <= feedback.created_at
    refused = [o for o in outcomes if isinstance(o, services.FeedbackExists)]
    assert len(refused) + outcomes.count("submitted") == 10


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_closes_leave_one_close(session, provider, clinic_admin):
    people = [provider, clinic_admin] * 10
    index = iter(range(20))
    lock = threading.Lock()

    def close():
        with lock:
            person = people[next(index)]
        services.session_close(actor=person.user, session=session, force=True, note="done")
        return person

    outcomes = run_together(20, close)
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1
    assert all(isinstance(o, services.AlreadyClosed) for o in outcomes if o not in winners)
    session.refresh_from_db()
    assert session.is_closed and session.closed_by == winners[0]
