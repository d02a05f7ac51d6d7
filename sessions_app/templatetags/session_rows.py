"""The rows of the provider's session lists, built in Python.

The session list, a client's timeline and the dashboard repeat one row per session (25 on a
page, a hundred and more on a timeline). Resolving each row's dozen variables through the
template engine was the larger part of those pages' time, so, like the admin's change list
(`django.contrib.admin.templatetags.admin_list`), the rows are built here with `format_html`,
which escapes every value. The markup is what the templates had; the tables and sections
around the rows stay in the templates."""

import html

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from sessions_app.templatetags.care import moment, timing_badge, when
from sessions_app.views.common import url_for_each

register = template.Library()


@register.simple_tag
def session_table_rows(sessions, now, show_client=False):
    """The `<tr>`s of includes/session_table.html: sessions with names and counts
    (`with_names()` and `with_counts()`)."""
    session_url = url_for_each("sessions_app:provider-session-detail")
    client_url = url_for_each("sessions_app:provider-client-detail")
    rows = []
    for session in sessions:
        client = session.client.user.full_name
        client_cell = (
            format_html('<td><a href="{}">{}</a></td>', client_url(session.client.uuid), client)
            if show_client
            else ""
        )
        unread = (
            format_html("<strong>{}</strong>", session.unread)
            if session.unread
            else mark_safe('<span class="text-body-secondary">0</span>')
        )
        rows.append(
            format_html(
                '<tr><td><a href="{}">Session {}<span class="visually-hidden"> with {}, {}</span>'
                "</a></td>{}<td>{}</td>"
                '<td class="small">{} &ndash;<br>{}</td><td>{}</td><td>{}/{}</td><td>{}</td></tr>',
                session_url(session.uuid),
                session.sequence,
                client,
                when(session.starts_at),
                client_cell,
                session.provider.user.full_name,
                moment(session.starts_at),
                moment(session.ends_at),
                timing_badge(session, now),
                session.homework_done,
                session.homework_total,
                unread,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every part went through format_html


@register.simple_tag
def dashboard_session_items(sessions, now):
    """The `<li>`s of a dashboard section (includes/session_rows.html)."""
    session_url = url_for_each("sessions_app:provider-session-detail")
    items = []
    for session in sessions:
        unread = (
            format_html(
                ' · <strong class="text-body">{} unread message{}</strong>',
                session.unread,
                pluralize(session.unread),
            )
            if session.unread
            else ""
        )
        items.append(
            format_html(
                '<li class="list-group-item">'
                '<div class="d-flex justify-content-between flex-wrap gap-1">'
                '<a href="{}">{} · session {}</a> {}</div>'
                '<div class="small text-body-secondary">{} {} · held by {}'
                " · homework {}/{} done{}</div></li>",
                session_url(session.uuid),
                session.client.user.full_name,
                session.sequence,
                timing_badge(session, now),
                "Ended" if session.ends_at <= now else "Ends",
                moment(session.ends_at),
                session.provider.user.full_name,
                session.homework_done,
                session.homework_total,
                unread,
            )
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every part went through format_html


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
