import html
import threading
from collections import OrderedDict

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from sessions_app.models import Session

register = template.Library()

TIMING_STYLES = {
    Session.Timing.UPCOMING: "text-bg-info",
    Session.Timing.IN_PROGRESS: "text-bg-success",
    Session.Timing.OVERDUE: "text-bg-warning",
    Session.Timing.CLOSED: "text-bg-secondary",
}
# Every page shows badges: each one's markup is made once.
TIMING_BADGES = {
    timing: format_html(
        '<span class="badge {}" data-timing="{}">{}</span>', style, timing.value, timing.label
    )
    for timing, style in TIMING_STYLES.items()
}


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _on_the_wall_clock(local):
    # strftime("%a %-d %b %Y, %H:%M ") in the C locale, which Python leaves the process in,
    # at a quarter of its cost: a page can show a hundred times.
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}, "
        f"{local.hour:02d}:{local.minute:02d} {local.tzname() or ''}"
    )


@register.filter
def when(value):
    """A moment on the current (clinic's) wall clock, with the zone's abbreviation."""
    if value is None:
        return "—"
    return _on_the_wall_clock(timezone.localtime(value))


def _time_element(local):
    # Django's escape() is html.escape() behind a check for lazy strings: these are not.
    return (
        f'<time datetime="{html.escape(local.isoformat())}">'
        f"{html.escape(_on_the_wall_clock(local))}</time>"
    )


@register.filter
def moment(value):
    """`<time datetime="{{ value|date:'c' }}">{{ value|when }}</time>` in one step: a page
    with a long thread shows many, and the `date` filter alone costs four times this."""
    if value is None:
        return format_html('<time datetime="">{}</time>', when(value))
    return mark_safe(_time_element(timezone.localtime(value)))  # noqa: S308 - escaped


@register.simple_tag
def timing_badge(session, now=None):
    return TIMING_BADGES[session.timing_at(now or timezone.now())]


# A thread has dozens of messages: the template language's loop, conditions and lookups
# cost several times what writing each item directly does (as the admin writes its rows).
MESSAGE_ITEM = """
    <li class="card{mine}">
      <div class="card-body py-2">
        <div class="small text-body-secondary mb-1">
          <strong class="text-body">{author_name}</strong>
          · {role}
          · {created_at}
        </div>
        <div class="text-prewrap">{body}</div>
      </div>
    </li>
    """


@register.simple_tag
def message_items(thread):
    """The `<li>` of each message of `thread` (SessionPageData.thread). Every value is
    escaped here, as format_html would (it costs twice this for a thread)."""
    zone = timezone.get_current_timezone()
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            MESSAGE_ITEM.format(
                mine=" border-primary-subtle" if message["mine"] else "",
                author_name=html.escape(message["author_name"]),
                role=html.escape(message["role"]),
                created_at=_time_element(message["created_at"].astimezone(zone)),
                body=html.escape(message["body"]),
            )
            for message in thread
        )
    )


# --- crispy forms, remembered ---------------------------------------------------------------

# Rendering a form through crispy's templates costs about half a millisecond, and a session
# page shows up to one form per homework item. An *unbound* form renders to the same HTML
# whenever everything below is the same, so that HTML is kept (per process, the most recently
# used first). A bound form (shown again with its errors) is rendered afresh every time.
FORM_HTML_MAX = 512
_form_html = OrderedDict()
_form_html_lock = threading.Lock()


def _frozen(value):
    """A hashable stand-in for widget attributes and choices (lists and dicts inside)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def unbound_form_key(form):
    """Everything that goes into crispy's HTML for `form`, or None when that HTML cannot be
    reused: a bound form, a form with errors, or one whose choices come from the database."""
    if not isinstance(form, forms.BaseForm) or form.is_bound or form.errors:
        return None
    fields = []
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            return None
        widget = field.widget
        fields.append(
            (
                name,
                type(field),
                field.label,
                field.help_text,
                field.required,
                field.disabled,
                field.show_hidden_initial,
                field.localize,
                _frozen(getattr(field, "choices", None)),
                # The attributes the field adds at render time (maxlength, min, step...).
                _frozen(field.widget_attrs(widget)),
                type(widget),
                widget.template_name,
                _frozen(widget.attrs),
                getattr(widget, "input_type", None),
                getattr(widget, "format", None),
                form.get_initial_for_field(field, name),
            )
        )
    key = (
        type(form),
        form.prefix,
        form.auto_id,
        form.label_suffix,
        getattr(form, "error_css_class", None),
        getattr(form, "required_css_class", None),
        form.use_required_attribute,
        type(form.renderer),
        # Labels may be translated, and initial times are shown on the current wall clock.
        translation.get_language(),
        timezone.get_current_timezone_name(),
        tuple(fields),
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


@register.filter
def crispy_memo(form):
    """`{{ form|crispy }}`, rendered once per distinct unbound form (see above)."""
    key = unbound_form_key(form)
    if key is None:
        return as_crispy_form(form)
    with _form_html_lock:
        remembered = _form_html.get(key)
        if remembered is not None:
            _form_html.move_to_end(key)
            return remembered
    rendered = as_crispy_form(form)
    with _form_html_lock:
        _form_html[key] = rendered
        while len(_form_html) > FORM_HTML_MAX:
            _form_html.popitem(last=False)
    return rendered
