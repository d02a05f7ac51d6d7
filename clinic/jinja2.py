"""The Jinja2 environment of the product's pages (as Zulip's zproject/jinja2): helpers, filters."""

import contextvars
import functools
import uuid
from typing import NamedTuple

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from crispy_forms.utils import render_crispy_form
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone, translation
from django.utils.html import json_script
from django.utils.translation import trans_real
from jinja2 import Environment, Template
from markupsafe import Markup, escape

# Argument types whose str() is fixed by their value: a URL made of them can be cached.
_PLAIN = frozenset({str, int, uuid.UUID})


class Reading(NamedTuple):
    """What the helpers below read of the request's context-local state (asgiref Locals): read
    once when a template starts rendering, instead of once a call."""

    language: str
    catalog: object  # the language's translation (trans_real.DjangoTranslation)
    urlconf: object
    script_prefix: str
    zone: object
    zone_name: str


_reading = contextvars.ContextVar("clinic.jinja2.reading", default=None)


def _read():
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    return Reading(
        language,
        # Without a language (translation.override(None)), gettext goes through Django.
        trans_real.translation(language) if language else None,
        get_urlconf(),
        get_script_prefix(),
        zone,
        timezone.get_current_timezone_name(),
    )


def reading():
    """The state of the render in progress; outside a render, read now."""
    return _reading.get() or _read()


class PageTemplate(Template):
    """A template that reads the request's state once per render (see Reading)."""

    def render(self, *args, **kwargs):
        token = _reading.set(_read())
        try:
            return super().render(*args, **kwargs)
        finally:
            _reading.reset(token)


@functools.lru_cache(maxsize=2048)
def _reverse(name, args, kwargs, urlconf, script_prefix, language):
    # urlconf, script_prefix and language only key the cache: reverse() reads them itself.
    return reverse(name, args=args or None, kwargs=dict(kwargs) or None)


def url(name, *args, **kwargs):
    """Django's reverse() as url("app:name", *args, **kwargs), cached for plain arguments."""
    if all(type(value) in _PLAIN for value in (*args, *kwargs.values())):
        state = reading()
        return _reverse(
            name,
            args,
            tuple(sorted(kwargs.items())),
            state.urlconf,
            state.script_prefix,
            state.language,
        )
    return reverse(name, args=args or None, kwargs=kwargs or None)


def url_for_each(name):
    placeholder = str(uuid.UUID(int=0))
    head, tail = url(name, placeholder).split(placeholder)
    return lambda value: f"{head}{value}{tail}"


def _keeper(maxsize):
    """A kept() with a cache of its own of `maxsize` entries."""

    @functools.lru_cache(maxsize=maxsize)
    def cached(macro, args, urlconf, script_prefix, language, zone):
        # urlconf, script_prefix, language and zone only key the cache: the macro reads them.
        return macro(*args)

    def keep(macro, *args):
        """`macro(*args)`, kept per process per arguments, URLs, language and zone: each
        argument carries by value all the macro reads of it, and the macro reads nothing else
        but globals."""
        state = reading()
        return cached(
            macro, args, state.urlconf, state.script_prefix, state.language, state.zone_name
        )

    keep.cache = cached
    return keep


# List rows and sections: thousands of small pieces.
kept = _keeper(4096)
_kept = kept.cache
# A client's trend (chart and table) is some 30 KB: kept apart, so that a few of them neither
# crowd the rows out nor grow a worker (128 at most, ~4 MB).
kept_large = _keeper(128)


def crispy(form, helper=None):
    """{{ form|crispy }} for the fields alone, or crispy-forms' {% crispy form helper %}."""
    if helper is None:
        return as_crispy_form(form)
    return render_crispy_form(form, helper)


def localtime(value):
    """timezone.localtime() on the render's zone; a naive value is refused as there."""
    if value.utcoffset() is None:
        return timezone.localtime(value)
    return value.astimezone(reading().zone)


# Format characters that depend only on the wall-clock date, hour and minute (and language).
_MINUTE_CHARS = frozenset("aAbdDEfFgGhHiJjlLmMnNPwyYz")
_FORMAT_CHARS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")


@functools.lru_cache(maxsize=64)
def _by_the_minute(pattern):
    return "\\" not in pattern and set(pattern) & _FORMAT_CHARS <= _MINUTE_CHARS


@functools.lru_cache(maxsize=8192)
def _formatted(language, format_name, wall_minute):
    return formats.date_format(wall_minute, format_name)


def _format(local, format_name):
    language = reading().language
    if _by_the_minute(formats.get_format(format_name, lang=language)):
        naive = local.replace(second=0, microsecond=0, tzinfo=None)
        return _formatted(language, format_name, naive)
    return formats.date_format(local, format_name)


def _wall_clock(local):
    return f"{_format(local, 'SHORT_DATETIME_FORMAT')} {local.tzname() or ''}".rstrip()


def when(value):
    """A moment on the clinic's wall clock, in SHORT_DATETIME_FORMAT with the zone's name."""
    return "—" if value is None else _wall_clock(localtime(value))


def moment_parts(value):
    """(isoformat, when) of a moment, converted to the clinic's clock once (`moment` macro)."""
    if value is None:
        return "", "—"
    local = localtime(value)
    return local.isoformat(), _wall_clock(local)


def day(value):
    if value is None:
        return "—"
    return _format(localtime(value), "SHORT_DATE_FORMAT")


def clock(value):
    """A moment's time of day on the clinic's wall clock (TIME_FORMAT)."""
    return "—" if value is None else _format(localtime(value), "TIME_FORMAT")


def calendar_day(value, format_name="SHORT_DATE_FORMAT"):
    """A day of the calendar (a date, no time of day) in the reader's language."""
    return _formatted(reading().language, format_name, value)


def isoformat(value):
    return "" if value is None else localtime(value).isoformat()


def number(value):
    return formats.number_format(value, force_grouping=True)


def _filled(text, variables):
    # As Jinja2's newstyle gettext: the catalog's text is markup, values escaped but numbers.
    values = {k: v if isinstance(v, int | float) else escape(v) for k, v in variables.items()}
    return Markup(text % values)  # noqa: S704 - each value escaped; the text is the catalog's


def gettext(message, **variables):
    """Jinja2's newstyle `_()` without its context call and per-value escape helper (speed)."""
    catalog = reading().catalog
    if catalog is None or not message or "\r" in message:
        return _filled(translation.gettext(message), variables)
    return _filled(catalog.gettext(message), variables)


def ngettext(singular, plural, number, **variables):
    variables.setdefault("num", number)
    catalog = reading().catalog
    if catalog is None:
        return _filled(translation.ngettext(singular, plural, number), variables)
    return _filled(catalog.ngettext(singular, plural, number), variables)


def pgettext(context, message, **variables):
    variables.setdefault("context", context)
    return _filled(translation.pgettext(context, message), variables)


def npgettext(context, singular, plural, number, **variables):
    variables.setdefault("context", context)
    variables.setdefault("num", number)
    return _filled(translation.npgettext(context, singular, plural, number), variables)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class PageEnvironment(Environment):
    """Jinja2's environment, reading `row.key` of a plain dict as its item straight away:
    Jinja2 tries the attribute first, and the AttributeError it catches costs more than the
    read (a thread of fifty messages reads three hundred). Same result: a dict has no
    attribute of that name."""

    template_class = PageTemplate

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment(**options):
    options.pop("autoescape", None)  # Django's backend asks for it too: always on
    env = PageEnvironment(
        autoescape=True, extensions=["jinja2.ext.i18n", "jinja2.ext.do"], **options
    )
    # newstyle: placeholders are filled and escaped by the call, `_("Hi %(name)s", name=who)`.
    env.install_gettext_translations(translation, newstyle=True)
    env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )
    env.globals.update(
        url=url,
        url_for_each=url_for_each,
        kept=kept,
        kept_large=kept_large,
        static=static,
        crispy=crispy,
        get_messages=get_messages,
        get_language=lambda: reading().language,
        json_script=json_script,
    )
    env.filters.update(
        moment_parts=moment_parts,
        when=when,
        day=day,
        clock=clock,
        calendar_day=calendar_day,
        isoformat=isoformat,
        localtime=localtime,
        number=number,
    )
    return env
