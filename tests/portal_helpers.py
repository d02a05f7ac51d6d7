"""The portal's URLs of a session and its homework, as the client's pages link them."""

from django.urls import reverse


def detail_url(session):
    return reverse("sessions_app:portal-session-detail", args=[session.uuid])


def message_url(session):
    return reverse("sessions_app:portal-message-post", args=[session.uuid])


def submit_url(assignment):
    return reverse("sessions_app:portal-assignment-submit", args=[assignment.uuid])
