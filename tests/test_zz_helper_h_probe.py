import pytest
from django.urls import reverse
from django.core import mail


def test_probe_due(login, provider, session):
    http = login(provider.user)
    for due in ["9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31T18:00"]:
        try:
            r = http.post(reverse("sessions_app:provider-assignment-add", args=[session.uuid]), {"title": "x", "due_at": due})
            print("add", due, r.status_code)
            r = http.get(reverse("sessions_app:provider-session-detail", args=[session.uuid]))
            print("detail", due, r.status_code)
        except Exception as e:
            print("EXC", due, type(e), e)


def test_probe_filter(login, provider, session):
    http = login(provider.user)
    for d in ["9999-12-31", "0001-01-01"]:
        for f in ["starts_before", "starts_after"]:
            try:
                r = http.get(reverse("sessions_app:provider-session-list"), {f: d})
                print(f, d, r.status_code)
            except Exception as e:
                print("EXC", f, d, type(e), e)


def test_probe_invite(login, clinic_admin, django_capture_on_commit_callbacks):
    http = login(clinic_admin.user)
    for email in ["person@\u00a1\u00a1.example", "person@b\u00fccher.example", "a@" + "\u00fc" * 70 + ".test"]:
        try:
            with django_capture_on_commit_callbacks(execute=True):
                r = http.post(reverse("clinic:invite"), {"role": "client", "full_name": "X", "email": email})
            print(email, r.status_code, len(mail.outbox))
        except Exception as e:
            print("EXC", email, type(e), e)
