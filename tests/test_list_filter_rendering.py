"""The session list's filter form, written in Python (QuickInputMixin, filter_fields), shows
what Django's widget templates and the former template loop showed."""

import datetime as dt
import re

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import RequestContext, engines
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Assignment
from sessions_app.templatetags.session_rows import filter_fields, page_links, waiting_items
from sessions_app.views.provider_lists import QuickInputMixin, SessionListFilterForm

from .sessions_helpers import schedule

pytestmark = pytest.mark.django_db

# The loops session_list.html had before filter_fields.
FORMER_LOOPS = """
{% for field in form %}{% if field.widget_type != "checkbox" %}
<div class="col-sm-6 col-lg">
  <label class="form-label small mb-1" for="{{ field.id_for_label }}">{{ field.label }}</label>
  {{ field }}
  {% if field.errors %}<div class="small text-danger" id="{{ field.auto_id }}_error">
  {{ field.errors|join:" " }}</div>{% endif %}
</div>
{% endif %}{% endfor %}
|
{% for field in form %}{% if field.widget_type == "checkbox" %}
<div class="form-check mb-0">
  {{ field }}
  <label class="form-check-label small" for="{{ field.id_for_label }}">{{ field.label }}</label>
</div>
{% endif %}{% endfor %}
"""

STATES = [
    None,
    {},
    {"status": "open", "unread": "on", "starts_after": "2026-01-31"},
    {"starts_after": "not a date", "starts_before": '"><script>alert(1)</script>'},
    {"waiting": "on", "timing": "overdue", "starts_before": "2026-02-30"},
    {"client": "not-a-uuid", "provider": "<b>x</b>", "status": "lost"},
]


def _stock(widget):
    """The same widget, rendered by Django's template."""
    stock_class = next(
        base
        for base in type(widget).__mro__
        if issubclass(base, forms.Widget) and not issubclass(base, QuickInputMixin)
    )
    stock = stock_class(attrs=dict(widget.attrs))
    stock.__dict__.update({k: v for k, v in widget.__dict__.items() if k != "attrs"})
    return stock


def _tags(html):
    # Whitespace between and inside tags' text edges is the templates' layout, not content.
    return re.sub(r"\s+<", "<", re.sub(r">\s+", ">", html.strip()))


@pytest.mark.parametrize("data", STATES)
def test_quick_inputs_write_what_the_widget_templates_write(data, provider, client_profile):
    form = SessionListFilterForm(data, provider=provider)
    quick = [f for f in form if isinstance(f.field.widget, QuickInputMixin)]
    assert {f.name for f in quick} == {"starts_after", "starts_before", "unread", "waiting"}
    for field in quick:
        widget = field.field.widget
        html = str(field)
        field.field.widget = _stock(widget)
        try:
            assert html == str(field), field.name
        finally:
            field.field.widget = widget


@pytest.mark.parametrize("data", STATES)
def test_filter_fields_show_what_the_template_loops_showed(data, provider, client_profile):
    form = SessionListFilterForm(data, provider=provider)
    if data:
        form.is_valid()
    mine = f"{filter_fields(form)}|{filter_fields(form, checkboxes=True)}"
    # The former loops tell checkboxes by widget_type, which comes from the class's name.
    for field in form.fields.values():
        if isinstance(field.widget, QuickInputMixin):
            field.widget = _stock(field.widget)
    former = engines["django"].from_string(FORMER_LOOPS).render({"form": form})
    assert _tags(mine) == _tags(former)
    assert "<script>" not in mine
    if data and "script" in data.get("starts_before", ""):
        # The typed value is shown back, escaped, with the reason it was left out.
        assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in mine
        assert "Enter a valid date" in mine


def test_checked_and_invalid_states_show(provider, client_profile):
    form = SessionListFilterForm({"unread": "on", "starts_after": "nope"}, provider=provider)
    form.is_valid()
    checkboxes = str(filter_fields(form, checkboxes=True))
    assert 'name="unread" class="form-check-input" id="id_unread" checked' in checkboxes
    assert 'name="waiting" class="form-check-input" id="id_waiting">' in checkboxes
    others = str(filter_fields(form))
    assert 'value="nope"' in others
    assert "is-invalid" in others
    assert 'id="id_starts_after_error">Enter a valid date.</div>' in others
    assert "Chloe Client" in others


# The page links session_list.html had before page_links.
FORMER_PAGE_LINKS = """
{% if page_obj.has_previous %}
<li class="page-item"><a class="page-link" href="{% querystring page=page_obj.previous_page_number %}" rel="prev">Previous</a></li>
{% else %}
<li class="page-item disabled"><span class="page-link">Previous</span></li>
{% endif %}
{% for number in page_range %}
  {% if number == page_obj.number %}
  <li class="page-item active" aria-current="page"><span class="page-link"><span class="visually-hidden">Page </span>{{ number }}</span></li>
  {% elif number == paginator.ELLIPSIS %}
  <li class="page-item disabled"><span class="page-link">{{ number }}</span></li>
  {% else %}
  <li class="page-item"><a class="page-link" href="{% querystring page=number %}"><span class="visually-hidden">Page </span>{{ number }}</a></li>
  {% endif %}
{% endfor %}
{% if page_obj.has_next %}
<li class="page-item"><a class="page-link" href="{% querystring page=page_obj.next_page_number %}" rel="next">Next</a></li>
{% else %}
<li class="page-item disabled"><span class="page-link">Next</span></li>
{% endif %}
"""  # noqa: E501 - the former template, line for line


@pytest.mark.parametrize("count", [30, 26 * 25])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=1",
        "page=2",
        "page=13",
        "page=26",
        "client=a&b=<x>&status=open&page=7",
        "a=1&a=2&page=3",
    ],
)
def test_page_links_show_what_the_template_showed(rf, count, query):
    request = rf.get(f"/provider/sessions/?{query}")
    paginator = Paginator(range(count), 25)
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(paginator.get_elided_page_range(page.number))
    context = {"page_obj": page, "paginator": paginator, "page_range": page_range}
    former = engines["django"].from_string(FORMER_PAGE_LINKS).render(context, request)
    mine = str(page_links(RequestContext(request, context), page, page_range))
    assert _tags(mine) == _tags(former)
    assert "<x>" not in mine


# The loop dashboard.html had before waiting_items.
FORMER_WAITING_LOOP = """{% load care %}{% for assignment in waiting %}
        <li class="list-group-item">
          <a href="{% url 'sessions_app:provider-session-detail' assignment.session.uuid %}#hw-{{ assignment.uuid }}">{{ assignment.title }}</a>
          <div class="small text-body-secondary">{{ assignment.session.client.user.full_name }} · session {{ assignment.session.sequence }} · submitted {{ assignment.submitted_at|moment }}</div>
        </li>
        {% endfor %}"""  # noqa: E501 - the template's own lines


def test_waiting_items_show_what_the_template_loop_showed(provider, client_profile):
    client_profile.user.full_name = 'Chloé <b>&</b> "Client"'
    client_profile.user.save()
    sessions = schedule(
        by=provider,
        client=client_profile,
        start=timezone.now() - dt.timedelta(days=3),
        repeat=2,
        homework=["Walk <daily>", "Journal & breathe"],
    )
    for session in sessions:
        for assignment in session.assignments.all():
            services.assignment_submit(
                actor=client_profile.user, assignment=assignment, response="x"
            )
    waiting = list(
        Assignment.objects.select_related("session__client__user").order_by("submitted_at", "pk")
    )
    assert len(waiting) == 4
    with timezone.override(provider.clinic.tzinfo):
        ours = waiting_items(waiting)
        theirs = engines["django"].from_string(FORMER_WAITING_LOOP).render({"waiting": waiting})
    assert _tags(ours) == _tags(theirs)
    assert "&lt;daily&gt;" in ours and "Chloé &lt;b&gt;&amp;&lt;/b&gt; &quot;Client&quot;" in ours
