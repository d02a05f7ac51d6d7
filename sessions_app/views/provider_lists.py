"""Care providers' overview pages: dashboard, session list, clients, a client's timeline."""

import datetime as dt
import functools
from html import escape

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.forms.utils import flatatt
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.generic import ListView, TemplateView

from clinic.compiled import AnyOf, CompiledQuery, viewer
from clinic.mixins import ProviderRequiredMixin
from clinic.models import Client
from django.urls import reverse as memo_reverse
from sessions_app.forms import SessionFilterForm, clients_offered, providers_offered
from sessions_app.models import Assignment, Session, SessionRow
from sessions_app.session_ids import list_page, waiting_for_feedback

DASHBOARD_LIMIT = 10

# Stand-ins for the values of the compiled queries below (clinic/compiled.py).
_USER, _PROVIDER, _CLINIC, _IDS = -1_000_001, -1_000_002, -1_000_005, [-1_000_003, -1_000_004]
_NOW = dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC)


class QuickSelect(forms.Select):
    """A select built in Python. Django's renders a template for every option, which with a
    caseload of clients was the larger part of the session list's time. Every value and
    label is escaped (html.escape is what django.utils.html.escape applies)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(key))}"'
            f"{' selected' if str(key) in selected else ''}>{escape(str(label))}</option>"
            for key, label in self.choices
        )
        attrs = {**self.build_attrs(self.attrs, attrs), "name": name}
        return format_html("<select{}>{}</select>", flatatt(attrs), mark_safe(options))  # noqa: S308


def _attributes(attrs):
    # What django/forms/widgets/attrs.html writes: ` name="value"`, ` name` for True, nothing
    # for False.
    return "".join(
        f" {escape(str(key))}" + ("" if value is True else f'="{escape(str(value))}"')
        for key, value in attrs.items()
        if value is not False
    )


class QuickInputMixin:
    """An `<input>` written in Python, as django/forms/widgets/input.html writes it: the
    session list renders four on every request (dates and checkboxes), each a template."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        shown = "" if value is None else f' value="{escape(str(value))}"'
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}'
            f"{_attributes(widget['attrs'])}>"
        )


class QuickDateInput(QuickInputMixin, forms.DateInput):
    pass


class QuickCheckboxInput(QuickInputMixin, forms.CheckboxInput):
    pass


def _names(people):
    """(UUID, name) pairs in one narrow query, without a model instance per person (the
    fields still validate a choice against their querysets)."""
    return people.order_by("user__full_name", "pk").values_list("uuid", "user__full_name")


# The filters' choices, written once as SQL (see the dashboard's queries below).
_offered = {
    "client": CompiledQuery(
        lambda provider_id: _names(
            clients_offered(viewer(_USER, provider_id=provider_id).careprovider)
        ),
        _PROVIDER,
    ),
    "provider": CompiledQuery(
        lambda clinic_id: _names(
            providers_offered(
                viewer(_USER, provider_id=_PROVIDER, clinic_id=clinic_id).careprovider
            )
        ),
        _CLINIC,
    ),
}


class SessionListFilterForm(SessionFilterForm):
    """The list's filters, plus those the dashboard's "see all" links use."""

    timing = forms.ChoiceField(
        required=False, choices=[("", "Any timing"), *Session.Timing.choices]
    )
    unread = forms.BooleanField(required=False, label="With unread messages")
    waiting = forms.BooleanField(required=False, label="With homework waiting for feedback")

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, provider=provider, **kwargs)
        offered = {
            "client": lambda: _offered["client"](provider.pk),
            "provider": lambda: _offered["provider"](provider.clinic_id),
        }
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget = QuickCheckboxInput(attrs={**field.widget.attrs})
                # The template tells checkboxes apart by class, not by widget_type (which
                # is made from the class's name).
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget = QuickSelect(
                    attrs={**field.widget.attrs, "class": "form-select form-select-sm"},
                    choices=[("", field.empty_label), *offered[name]()]
                    if isinstance(field, forms.ModelChoiceField)
                    else field.choices,
                )
            else:
                if isinstance(field.widget, forms.DateInput):
                    field.widget = QuickDateInput(
                        attrs={**field.widget.attrs}, format=field.widget.format
                    )
                field.widget.attrs["class"] = "form-control form-control-sm"

    def offer(self, provider):
        # The selects show the choices read by _offered; a field's queryset only checks a
        # choice made, and building the two querysets cost more CPU than reading them: a
        # field gets its queryset only when a choice of it was sent.
        for name, offered in (("client", clients_offered), ("provider", providers_offered)):
            if self.data.get(self.add_prefix(name)):
                self.fields[name].queryset = offered(provider)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def clean(self):
        data = super().clean()
        after, before = data.get("starts_after"), data.get("starts_before")
        if after and before and before < after:
            # add_error also drops the field from cleaned_data: the bad bound is left out.
            self.add_error("starts_before", "The end of the date range is before its start.")
        return data


def start_of_day(day, tz):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)


def session_list_url(**params):
    return f"{memo_reverse('sessions_app:provider-session-list')}?{urlencode(params)}"


def _first(sessions, limit):
    """The first `limit` of a dashboard section's sessions, as (id, the section's total)
    pairs: one narrow query that the indexes answer."""
    return sessions.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")[:limit]


def _visible(provider_id):
    return Session.objects.visible_to(viewer(_USER, provider_id=provider_id))


# The dashboard's queries: their SQL is written once per process (building and compiling
# them cost more CPU than PostgreSQL takes to run them), and only the provider and the time
# change between requests.
_in_progress = CompiledQuery(
    lambda provider_id, now, limit: _first(
        _visible(provider_id).in_progress(now).order_by("ends_at", "pk"), limit
    ),
    _PROVIDER,
    _NOW,
)
_overdue = CompiledQuery(
    lambda provider_id, now, limit: _first(
        _visible(provider_id).overdue(now).order_by("ends_at", "pk"), limit
    ),
    _PROVIDER,
    _NOW,
)
_unread = CompiledQuery(
    lambda user_id, provider_id, limit: _first(
        _visible(provider_id).with_unread(viewer(user_id)).order_by("-starts_at", "-pk"), limit
    ),
    _USER,
    _PROVIDER,
)
_rows = CompiledQuery(
    lambda user_id, ids: Session.objects.list_rows(viewer(user_id)).filter(AnyOf("pk", ids)),
    _USER,
    _IDS,
)


def rows_in_order(user, ids):
    """The list rows (SessionRow) of the sessions of `ids`, in that order.

    The ids come from a query that applied the person's scope: not applying it again keeps
    PostgreSQL's generic plan on the primary key: with both the scope and the ids, it
    walked the whole caseload."""
    if not ids:
        return []
    by_pk = {row[0]: SessionRow(*row) for row in _rows(user.pk, list(ids))}
    return [by_pk[pk] for pk in ids if pk in by_pk]


_waiting = CompiledQuery(
    lambda provider_id, limit: (
        waiting_for_feedback(viewer(_USER, provider_id=provider_id))
        .select_related("session__client__user")
        .only(
            "uuid",
            "title",
            "submitted_at",
            "session__uuid",
            "session__sequence",
            "session__client__user__full_name",
        )
        .annotate(_total=Window(Count("pk")))
        .order_by("submitted_at", "pk")[:limit]
    ),
    _PROVIDER,
)


class DashboardView(ProviderRequiredMixin, TemplateView):
    template_name = "sessions_app/provider/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        provider_id = self.provider.pk
        now = timezone.now()
        sections = {
            "in_progress": (
                "In progress",
                _in_progress(provider_id, now, limit=DASHBOARD_LIMIT),
                session_list_url(timing=Session.Timing.IN_PROGRESS),
            ),
            "overdue": (
                "Overdue",
                _overdue(provider_id, now, limit=DASHBOARD_LIMIT),
                session_list_url(timing=Session.Timing.OVERDUE),
            ),
            "unread": (
                "Unread messages",
                _unread(user.pk, provider_id, limit=DASHBOARD_LIMIT),
                session_list_url(unread="on"),
            ),
        }
        shown = {
            session.pk: session
            for session in rows_in_order(
                user, list({pk for _, first, _ in sections.values() for pk, _ in first})
            )
        }
        context = {
            key: {
                "title": title,
                "sessions": [shown[pk] for pk, _ in first if pk in shown],
                "total": first[0][1] if first else 0,
                "see_all": see_all,
            }
            for key, (title, first, see_all) in sections.items()
        }
        waiting = _waiting(provider_id, limit=DASHBOARD_LIMIT)
        context["waiting"] = {
            "assignments": waiting,
            "total": waiting[0]._total if waiting else 0,
            "see_all": session_list_url(waiting="on"),
        }
        return super().get_context_data(now=now, **context, **kwargs)


class SessionPaginator(Paginator):
    """Pages through session ids (scope, filters and order: what the indexes answer), then
    loads only the page's sessions with their people and counts. A deep page then skips
    index entries rather than whole rows with their subqueries, and costs what the first
    page costs.

    `page_ids(size=, offset=)` gives a page's ids with the total, in one query: a page that
    exists costs that one query; past either end, the count and then the nearest page
    (Paginator.get_page's), as the ORM's paginator would."""

    def __init__(self, page_ids, per_page, *, user):
        super().__init__((), per_page)
        self.page_ids = page_ids
        self.user = user

    def _ids(self, number):
        return self.page_ids(size=self.per_page, offset=(number - 1) * self.per_page)

    @cached_property
    def count(self):
        return self._ids(1)[1]

    def page(self, number):
        number = self.validate_number(number)
        return self._get_page(self._ids(number)[0], number, self)

    def get_page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number >= 1:
            ids, total = self._ids(number)
            if ids or number == 1:
                self.count = total
                return self._get_page(ids, number, self)
        return super().get_page(number)

    def _get_page(self, ids, number, paginator):
        return super()._get_page(rows_in_order(self.user, list(ids)), number, paginator)


class SessionListView(ProviderRequiredMixin, ListView):
    template_name = "sessions_app/provider/session_list.html"
    context_object_name = "sessions"
    paginate_by = 25

    def get_form(self):
        # A query with no filter in it (a page number alone) leaves the form unbound, as
        # no query does: there is nothing to check.
        query = self.request.GET
        given = any(name in query for name in SessionListFilterForm.base_fields)
        return SessionListFilterForm(query if given else None, provider=self.provider)

    def filters(self, data):
        """The filters given, as session_ids.list_filtered takes them."""
        tz = self.provider.clinic.tzinfo
        filters = {
            name: data[name] for name in ("status", "timing", "unread", "waiting") if data.get(name)
        }
        for name in ("client", "provider"):
            if data.get(name):
                filters[name] = data[name].pk
        if data.get("starts_after"):
            filters["starts_after"] = start_of_day(data["starts_after"], tz)
        if data.get("starts_before"):
            # "Until" includes the whole of that day on the clinic's clock.
            end = data["starts_before"] + dt.timedelta(days=1)
            filters["starts_before"] = start_of_day(end, tz)
        return filters

    def get_queryset(self):
        """The sessions to list, as what reads a page of their ids (session_ids.list_page)."""
        self.now = timezone.now()
        self.form = self.get_form()
        filters = {}
        if self.form.is_bound:
            # A bad value (an unknown client, a malformed date) is named on the page and
            # left out; the other filters still apply.
            self.form.is_valid()
            filters = self.filters(self.form.cleaned_data)
        return functools.partial(list_page, self.request.user, filters, now=self.now)

    def paginate_queryset(self, queryset, page_size):
        paginator = SessionPaginator(queryset, page_size, user=self.request.user)
        # An out-of-range or malformed page number shows the nearest page, not an error.
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, now=self.now, **kwargs)
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(page.number)
        return context


def next_session(now, field):
    """The client's next session still to come or under way (open and not yet ended)."""
    return Subquery(
        Session.objects.filter(client=OuterRef("pk"), status=Session.Status.OPEN, ends_at__gt=now)
        .order_by("starts_at", "pk")
        .values(field)[:1]
    )


def open_homework_count():
    """Homework not submitted yet, in the client's open sessions."""
    assignments = (
        Assignment.objects.filter(
            session__client=OuterRef("pk"),
            session__status=Session.Status.OPEN,
            submitted_at__isnull=True,
        )
        .order_by()
        .values("session__client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(assignments), Value(0))


class ClientListView(ProviderRequiredMixin, ListView):
    template_name = "sessions_app/provider/client_list.html"
    context_object_name = "clients"

    def get_queryset(self):
        self.now = timezone.now()
        return (
            Client.objects.visible_to(self.request.user)
            .select_related("user")
            .annotate(
                next_uuid=next_session(self.now, "uuid"),
                next_starts_at=next_session(self.now, "starts_at"),
                next_ends_at=next_session(self.now, "ends_at"),
                open_homework=open_homework_count(),
            )
            .order_by("user__full_name", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(now=self.now, **kwargs)


class ClientTimelineView(ProviderRequiredMixin, TemplateView):
    """All of a client's sessions, grouped by series, newest series first."""

    template_name = "sessions_app/provider/client_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        # Off my care team, or of another clinic: not found, whoever asks.
        client = get_object_or_404(
            Client.objects.visible_to(user).select_related("user"), uuid=kwargs["client_id"]
        )
        sessions = [
            SessionRow(*row)
            for row in Session.objects.visible_to(user)
            .filter(client=client)
            .list_rows(user)
            .order_by("starts_at", "sequence", "pk")
        ]
        series = {}
        for session in sessions:
            series.setdefault(session.series_id, []).append(session)
        groups = sorted(
            (
                {"id": series_id, "starts_at": items[0].starts_at, "sessions": items}
                for series_id, items in series.items()
            ),
            key=lambda group: group["starts_at"],
            reverse=True,
        )
        team = client.care_team.select_related("user").order_by("user__full_name")
        return super().get_context_data(
            client=client,
            series=groups,
            session_count=sum(len(group["sessions"]) for group in groups),
            team=team,
            now=timezone.now(),
            **kwargs,
        )
