"""What each notification says: whole sentences naming nobody and quoting nothing (email)."""

from django.utils.translation import gettext_lazy as _

from .models import Kind

CLIENT, PROVIDER = "client", "provider"

HEADLINES = {
    (Kind.SESSION_SCHEDULED, CLIENT): _("Your care team scheduled a session for you"),
    (Kind.SESSION_CHANGED, CLIENT): _("Your care team changed one of your sessions"),
    (Kind.SESSION_CANCELLED, CLIENT): _("Your care team cancelled one of your sessions"),
    (Kind.HOMEWORK_GIVEN, CLIENT): _("Your care team gave you homework"),
    (Kind.ANSWER_SUBMITTED, PROVIDER): _("A client answered homework"),
    (Kind.FEEDBACK_GIVEN, CLIENT): _("Your care team gave feedback on your homework"),
    (Kind.MESSAGE_POSTED, CLIENT): _("Your care team sent you a message"),
    (Kind.MESSAGE_POSTED, PROVIDER): _("A client sent a message"),
    (Kind.SESSION_CLOSED, CLIENT): _("Your care team closed one of your sessions"),
    (Kind.MEETING_REMINDER, CLIENT): _("You have a meeting with your care team within 24 hours"),
    (Kind.MEETING_REMINDER, PROVIDER): _("You have a meeting with a client within 24 hours"),
    (Kind.HOMEWORK_DUE, CLIENT): _("Your homework is due within 24 hours"),
    (Kind.ANSWERS_WAITING, PROVIDER): _(
        "A client's answers have waited over 48 hours for feedback"
    ),
    (Kind.QUESTIONNAIRE_RISK, PROVIDER): _("A questionnaire needs your attention"),
}


def role_of(user):
    """Which side of care `user` reads notifications as."""
    return PROVIDER if user.provider_profile is not None else CLIENT


def headline(kind, role):
    return HEADLINES.get((kind, role)) or Kind(kind).label
