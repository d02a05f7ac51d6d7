"""The rows of the provider's session lists, built in Python.

The session list, a client's timeline and the dashboard repeat one row per session (25 on a
page, a hundred and more on a timeline). Resolving each row's dozen variables through the
template engine was the larger part of those pages' time, so, like the admin's change list
(`django.contrib.admin.templatetags.admin_list`), the rows are built here, every value
escaped. The markup is what the templates had; the tables and sections around the rows stay
in the templates."""

import html

from django import forms, template
from django.http import QueryDict
from django.template.defaultfilters import pluralize
from django.utils.safestring import mark_safe

from sessions_app.templatetags.care import moment, timing_badge, when
from sessions_app.views.common import url_for_each

register = template.Library()


def _text(value):
    # html.escape is what django.utils.html.escape applies; these values are plain strings
    # and numbers, never lazy or already-safe ones, so the checks around it are skipped.
    return html.escape(str(value))


@register.simple_tag
def session_table_rows(sessions, now, show_client=False):
    """The `<tr>`s of includes/session_table.html, for SessionRows (models.SessionRow)."""
    session_url = url_for_each("sessions_app:provider-session-detail")
    client_url = url_for_each("sessions_app:provider-client-detail")
    rows = []
    for session in sessions:
        client = _text(session.client_name)
        client_cell = (
            f'<td><a href="{_text(client_url(session.client_uuid))}">{client}</a></td>'
            if show_client
            else ""
        )
        unread = (
            f"<strong>{_text(session.unread)}</strong>"
            if session.unread
            else '<span class="text-body-secondary">0</span>'
        )
        rows.append(
            f'<tr><td><a href="{_text(session_url(session.uuid))}">Session '
            f'{_text(session.sequence)}<span class="visually-hidden"> with {client}, '
            f"{_text(when(session.starts_at))}</span></a></td>{client_cell}"
            f"<td>{_text(session.provider_name)}</td>"
            f'<td class="small">{moment(session.starts_at)} &ndash;<br>'
            f"{moment(session.ends_at)}</td><td>{timing_badge(session, now)}</td>"
            f"<td>{_text(session.homework_done)}/{_text(session.homework_total)}</td>"
            f"<td>{unread}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped


@register.simple_tag
def dashboard_session_items(sessions, now):
    """The `<li>`s of a dashboard section (includes/session_rows.html), for SessionRows."""
    session_url = url_for_each("sessions_app:provider-session-detail")
    items = []
    for session in sessions:
        unread = (
            f' · <strong class="text-body">{_text(session.unread)} unread '
            f"message{pluralize(session.unread)}</strong>"
            if session.unread
            else ""
        )
        items.append(
            '<li class="list-group-item">'
            '<div class="d-flex justify-content-between flex-wrap gap-1">'
            f'<a href="{_text(session_url(session.uuid))}">{_text(session.client_name)} · '
            f"session {_text(session.sequence)}</a> {timing_badge(session, now)}</div>"
            '<div class="small text-body-secondary">'
            f"{'Ended' if session.ends_at <= now else 'Ends'} {moment(session.ends_at)} · "
            f"held by {_text(session.provider_name)} · homework "
            f"{_text(session.homework_done)}/{_text(session.homework_total)} done{unread}"
            "</div></li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value is escaped


@register.simple_tag
def waiting_items(assignments):
    """The `<li>`s of the dashboard's homework waiting for feedback (dashboard.html), for
    assignments with their session, its client and the client's user."""
    session_url = url_for_each("sessions_app:provider-session-detail")
    items = [
        '<li class="list-group-item">'
        f'<a href="{_text(session_url(a.session.uuid))}#hw-{_text(a.uuid)}">{_text(a.title)}</a>'
        '<div class="small text-body-secondary">'
        f"{_text(a.session.client.user.full_name)} · session {_text(a.session.sequence)} · "
        f"submitted {moment(a.submitted_at)}</div></li>"
        for a in assignments
    ]
    return mark_safe("\n".join(items))  # noqa: S308 - every value is escaped


@register.simple_tag
def filter_fields(form, checkboxes=False):
    """The session list's filter fields (session_list.html): the checkboxes, or the others.
    A template loop over eight fields resolved a dozen variables for each."""
    parts = []
    for field in form:
        if isinstance(field.field.widget, forms.CheckboxInput) != checkboxes:
            continue
        label = _text(field.label)
        target = _text(field.id_for_label)
        if checkboxes:
            parts.append(
                f'<div class="form-check mb-0">{field}<label class="form-check-label small" '
                f'for="{target}">{label}</label></div>'
            )
            continue
        errors = (
            f'<div class="small text-danger" id="{_text(field.auto_id)}_error">'
            f"{_text(' '.join(field.errors))}</div>"
            if field.errors
            else ""
        )
        parts.append(
            f'<div class="col-sm-6 col-lg"><label class="form-label small mb-1" '
            f'for="{target}">{label}</label>{field}{errors}</div>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value is escaped


@register.simple_tag(takes_context=True)
def page_links(context, page, page_range):
    """The session list's page links (session_list.html): Previous, the numbers of
    page_range (get_elided_page_range) and Next, each link the request's query string with
    its page (Django's querystring tag, called directly rather than a dozen times through
    the template engine)."""

    # What querystring(context, page=number) gives, with the request's query copied once
    # for all the links rather than once for each (every value of a repeated key kept).
    params = QueryDict(mutable=True)
    for key, values in context.request.GET.lists():
        params.setlist(key, values)

    def link(number, text, rel=""):
        params["page"] = number
        href = _text(f"?{params.urlencode()}")
        rel = f' rel="{rel}"' if rel else ""
        return f'<li class="page-item"><a class="page-link" href="{href}"{rel}>{text}</a></li>'

    def disabled(text):
        return f'<li class="page-item disabled"><span class="page-link">{text}</span></li>'

    hidden = '<span class="visually-hidden">Page </span>'
    items = [
        link(page.previous_page_number(), "Previous", "prev")
        if page.has_previous()
        else disabled("Previous")
    ]
    for number in page_range:
        if number == page.number:
            items.append(
                '<li class="page-item active" aria-current="page">'
                f'<span class="page-link">{hidden}{_text(number)}</span></li>'
            )
        elif not isinstance(number, int):
            # The paginator's ELLIPSIS, a lazy translation: comparing each number with it
            # translated it anew.
            items.append(disabled(_text(number)))
        else:
            items.append(link(number, f"{hidden}{_text(number)}"))
    items.append(
        link(page.next_page_number(), "Next", "next") if page.has_next() else disabled("Next")
    )
    return mark_safe("\n".join(items))  # noqa: S308 - every value is escaped


# A homework item's feedback, on both session pages: what includes/feedback_list.html writes,
# for each item on a page of ten.
FEEDBACK_LIST = """
<div class="mt-2">
  <h4 class="h6">Feedback</h4>
  <ul class="list-unstyled vstack gap-2">
    {items}
  </ul>
</div>
"""
FEEDBACK_LIST_ITEM = """
    <li class="border-start border-3 border-success ps-2">
      <div class="small text-body-secondary"><strong class="text-body">{author_name}</strong> · \
{created_at}</div>
      <div class="text-prewrap">{body}</div>
    </li>
    """


@register.simple_tag
def feedback_list(feedback):
    """A homework item's feedback, oldest first: rows of author_name, created_at and body
    (SessionPageData.feedback), not empty. Every value is escaped (html.escape is what
    django.utils.html.escape applies)."""
    items = "".join(
        FEEDBACK_LIST_ITEM.format(
            author_name=html.escape(item["author_name"]),
            created_at=moment(item["created_at"]),
            body=html.escape(item["body"]),
        )
        for item in feedback
    )
    return mark_safe(FEEDBACK_LIST.format(items=items))  # noqa: S308 - every value escaped
