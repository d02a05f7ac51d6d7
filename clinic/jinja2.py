"""The Jinja2 environment of the product's pages (as Zulip's zproject/jinja2): helpers, filters."""

import functools
import uuid

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from crispy_forms.utils import render_crispy_form
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone, translation
from django.utils.html import json_script
from jinja2 import Environment
from markupsafe import Markup, escape

# Argument types whose str() is fixed by their value: a URL made of them can be cached.
_PLAIN = frozenset({str, int, uuid.UUID})


@functools.lru_cache(maxsize=2048)
def _reverse(name, args, kwargs, urlconf, script_prefix, language):
    # urlconf, script_prefix and language only key the cache: reverse() reads them itself.
    return reverse(name, args=args or None, kwargs=dict(kwargs) or None)


def url(name, *args, **kwargs):
    """Django's reverse() as url("app:name", *args, **kwargs), cached for plain arguments."""
    if all(type(value) in _PLAIN for value in (*args, *kwargs.values())):
        return _reverse(
            name,
            args,
            tuple(sorted(kwargs.items())),
            get_urlconf(),
            get_script_prefix(),
            translation.get_language(),
        )
    return reverse(name, args=args or None, kwargs=kwargs or None)


def url_for_each(name):
    placeholder = str(uuid.UUID(int=0))
    head, tail = url(name, placeholder).split(placeholder)
    return lambda value: f"{head}{value}{tail}"


@functools.lru_cache(maxsize=4096)
def _kept(macro, args, urlconf, script_prefix, language, zone):
    # urlconf, script_prefix, language and zone only key the cache: the macro reads them itself.
    return macro(*args)


def kept(macro, *args):
    """`macro(*args)`, kept per process per arguments, URLs, language and zone: each argument
    carries by value all the macro reads of it, and the macro reads nothing else but globals."""
    return _kept(
        macro,
        args,
        get_urlconf(),
        get_script_prefix(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )


def crispy(form, helper=None):
    """{{ form|crispy }} for the fields alone, or crispy-forms' {% crispy form helper %}."""
    if helper is None:
        return as_crispy_form(form)
    return render_crispy_form(form, helper)


def localtime(value):
    return timezone.localtime(value)


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
    language = translation.get_language()
    if _by_the_minute(formats.get_format(format_name, lang=language)):
        naive = local.replace(second=0, microsecond=0, tzinfo=None)
        return _formatted(language, format_name, naive)
    return formats.date_format(local, format_name)


def _wall_clock(local):
    return f"{_format(local, 'SHORT_DATETIME_FORMAT')} {local.tzname() or ''}".rstrip()


def when(value):
    """A moment on the clinic's wall clock, in SHORT_DATETIME_FORMAT with the zone's name."""
    return "—" if value is None else _wall_clock(timezone.localtime(value))


def moment_parts(value):
    """(isoformat, when) of a moment, converted to the clinic's clock once (`moment` macro)."""
    if value is None:
        return "", "—"
    local = timezone.localtime(value)
    return local.isoformat(), _wall_clock(local)


def day(value):
    if value is None:
        return "—"
    return _format(timezone.localtime(value), "SHORT_DATE_FORMAT")


def clock(value):
    """A moment's time of day on the clinic's wall clock (TIME_FORMAT)."""
    return "—" if value is None else _format(timezone.localtime(value), "TIME_FORMAT")


def calendar_day(value, format_name="SHORT_DATE_FORMAT"):
    """A day of the calendar (a date, no time of day) in the reader's language."""
    return _formatted(translation.get_language(), format_name, value)


def isoformat(value):
    return "" if value is None else timezone.localtime(value).isoformat()


def number(value):
    return formats.number_format(value, force_grouping=True)


def _filled(text, variables):
    # As Jinja2's newstyle gettext: the catalog's text is markup, values escaped but numbers.
    values = {k: v if isinstance(v, int | float) else escape(v) for k, v in variables.items()}
    return Markup(text % values)  # noqa: S704 - each value escaped; the text is the catalog's


def gettext(message, **variables):
    """Jinja2's newstyle `_()` without its context call and per-value escape helper (speed)."""
    return _filled(translation.gettext(message), variables)


def ngettext(singular, plural, number, **variables):
    variables.setdefault("num", number)
    return _filled(translation.ngettext(singular, plural, number), variables)


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
        static=static,
        crispy=crispy,
        get_messages=get_messages,
        get_language=translation.get_language,
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
