"""The client portal's repeated items, written in Python.

The dashboard's lists and the session page's homework repeat one item per row, and the
template language's loop, lookups, `{% url %}` and filters cost several times what writing
each item directly does (see session_rows.py). Each item here is the markup the templates
wrote, to the whitespace (tests/test_portal_rendering.py holds them equal), with every value
escaped: html.escape is what the templates' autoescape applied to these plain strings."""

from html import escape

from django import template
from django.template.defaultfilters import date, truncatechars
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.safestring import mark_safe

from sessions_app.templatetags.care import crispy_memo, moment
from sessions_app.templatetags.session_rows import feedback_list
from sessions_app.views.common import url_for_each

register = template.Library()


def _day(value):
    """`{{ value|date:"j M Y" }}`: the day on the current (clinic's) wall clock."""
    return date(timezone.localtime(value), "j M Y")


def _plural(count):
    return "" if count == 1 else "s"


@register.simple_tag
def session_label(starts_at, ends_at):
    """How a session is named to its client: when."""
    return mark_safe(f"{moment(starts_at)} \N{EN DASH} {moment(ends_at)}")  # noqa: S308 - <time>s


TO_DO_ITEM = """
        <li class="list-group-item d-flex justify-content-between align-items-start gap-2">
          <div>
            <a href="{url}#hw-{uuid}">{title}</a>
            <div class="small text-body-secondary">Due {due} · session of {day}</div>
          </div>
          {past_due}
        </li>
        """
PAST_DUE = '<span class="badge text-bg-warning">Past due</span>'


@register.simple_tag
def homework_to_do_items(rows, now):
    """The dashboard's homework to do: rows of (uuid, title, due_at, session's uuid and
    start)."""
    session_url = url_for_each("sessions_app:portal-session-detail")
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            TO_DO_ITEM.format(
                url=session_url(session_uuid),
                uuid=uuid,
                title=escape(title),
                due=moment(due_at),
                day=_day(starts_at),
                past_due=PAST_DUE if due_at < now else "",
            )
            for uuid, title, due_at, session_uuid, starts_at in rows
        )
    )


UNREAD_ITEM = """
        <li class="list-group-item d-flex justify-content-between align-items-start gap-2">
          <div>
            <a href="{url}#messages">Session of {day} with {provider}</a>
            <div class="small text-body-secondary">{label}</div>
          </div>
          <span class="badge rounded-pill text-bg-primary" data-unread="{unread}">{unread}\
<span class="visually-hidden"> unread message{plural}</span></span>
        </li>
        """


@register.simple_tag
def unread_session_items(rows):
    """The dashboard's sessions with unread messages: rows of (uuid, starts_at, ends_at,
    provider's name, unread)."""
    session_url = url_for_each("sessions_app:portal-session-detail")
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            UNREAD_ITEM.format(
                url=session_url(uuid),
                day=_day(starts_at),
                provider=escape(provider),
                label=session_label(starts_at, ends_at),
                unread=unread,
                plural=_plural(unread),
            )
            for uuid, starts_at, ends_at, provider, unread in rows
        )
    )


FEEDBACK_ITEM = """
        <li class="border-start border-3 border-success ps-2">
          <div class="small text-body-secondary">
            <strong class="text-body">{author}</strong> on
            <a href="{url}#hw-{assignment_uuid}">{title}</a>
            · {created_at}
          </div>
          <div class="text-prewrap">{body}</div>
        </li>
        """
FEEDBACK_SHOWN = 300  # characters of each feedback's body


@register.simple_tag
def latest_feedback_items(rows):
    """The dashboard's latest feedback: rows of (author's name, the assignment's uuid and
    title, its session's uuid, created_at, body)."""
    session_url = url_for_each("sessions_app:portal-session-detail")
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            FEEDBACK_ITEM.format(
                author=escape(author),
                url=session_url(session_uuid),
                assignment_uuid=assignment_uuid,
                title=escape(title),
                created_at=moment(created_at),
                body=escape(truncatechars(body, FEEDBACK_SHOWN)),
            )
            for author, assignment_uuid, title, session_uuid, created_at, body in rows
        )
    )


# --- the session page's homework ----------------------------------------------------------

ARTICLE = """
      <article class="card mb-3" id="hw-{uuid}" aria-labelledby="hw-{uuid}-title">
        <div class="card-body">
          <div class="d-flex justify-content-between flex-wrap gap-2">
            <h3 class="h6 mb-1" id="hw-{uuid}-title">{title}</h3>
            {badge}
          </div>
          <p class="small text-body-secondary mb-2">Due {due} · given by {given_by}</p>
          {instructions}
          <h4 class="h6">Your answer</h4>
          {answer}
          {feedback}
        </div>
      </article>
      """
NO_HOMEWORK = """
      <p class="text-body-secondary">No homework in this session.</p>
      """
COMPLETED = '<span class="badge text-bg-success">Completed</span>'
TO_DO = '<span class="badge text-bg-light border">To do</span>'
INSTRUCTIONS = '<div class="text-prewrap mb-2">{}</div>'

# The answer while it may be (re)written: the form.
ANSWER_FORM = """
            {resubmit}
            <form method="post" action="{action}" novalidate>
              {csrf}
              {form}
              <button type="submit" class="btn btn-sm btn-primary">{label}\
<span class="visually-hidden"> to {title}</span></button>
            </form>
          """
RESUBMIT = """
            <p class="small text-body-secondary mb-1">Submitted {submitted}. You can change your \
answer until your care team gives feedback.</p>
            """
# The answer once it can no longer change, with the refusal of a late change.
ANSWER_SHOWN = """
            {errors}
            {answer}
          """
ERRORS = """
            <div class="alert alert-danger" role="alert">
              {non_field}
              {response}
            </div>
            """
ERROR = '<p class="mb-0">{}</p>'
ANSWERED = """
            <div class="text-prewrap bg-body-tertiary rounded p-2" data-answer>{response}</div>
            <p class="small text-body-secondary">Submitted {submitted}.{locked}</p>
            """
LOCKED = " Your care team has given feedback, so this answer can no longer be changed."
NOT_SUBMITTED = """
            <p class="text-body-secondary">Not submitted.</p>
            """


def _errors(errors):
    return "".join(ERROR.format(escape(str(error))) for error in errors)


def _answer(assignment, feedback, form, editable, action, csrf):
    submitted = moment(assignment.submitted_at) if assignment.is_completed else ""
    if editable:
        return ANSWER_FORM.format(
            resubmit=RESUBMIT.format(submitted=submitted) if assignment.is_completed else "",
            action=escape(action),
            csrf=csrf,
            form=crispy_memo(form),
            label="Save changes" if assignment.is_completed else "Submit answer",
            title=escape(assignment.title),
        )
    errors = ""
    if form is not None and form.errors:
        errors = ERRORS.format(
            non_field=_errors(form.non_field_errors()), response=_errors(form["response"].errors)
        )
    if assignment.is_completed:
        answer = ANSWERED.format(
            response=escape(assignment.response),
            submitted=submitted,
            locked=LOCKED if feedback else "",
        )
    else:
        answer = NOT_SUBMITTED
    return ANSWER_SHOWN.format(errors=errors, answer=answer)


@register.simple_tag(takes_context=True)
def homework_articles(context, rows):
    """The session page's homework: rows of (assignment, its feedback, its form or None,
    whether the client may answer, where the form posts)."""
    if not rows:
        return mark_safe(NO_HOMEWORK)  # noqa: S308 - constant
    csrf = CsrfTokenNode().render(context)  # as {% csrf_token %}, once for every form
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            ARTICLE.format(
                uuid=assignment.uuid,
                title=escape(assignment.title),
                badge=COMPLETED if assignment.is_completed else TO_DO,
                due=moment(assignment.due_at),
                given_by=escape(assignment.given_by),
                instructions=INSTRUCTIONS.format(escape(assignment.instructions))
                if assignment.instructions
                else "",
                answer=_answer(assignment, feedback, form, editable, action, csrf),
                feedback=feedback_list(feedback) if feedback else "",
            )
            for assignment, feedback, form, editable, action in rows
        )
    )
