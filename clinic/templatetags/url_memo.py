"""{% url %} that remembers: the same tag and arguments, Django's reverse() run once.

Every page's layout links to a dozen fixed URLs and its forms post to a few more; each
reverse() walks the URL patterns and reads three context-local settings (URLconf, script
prefix, language), tens of microseconds a tag, 7 % of the session page's instructions. A
URL depends only on the tag's arguments, the URLconf and the script prefix (this project
has no language-prefixed patterns), so the answer is kept per process under those; it is
forgotten when the URLconf setting changes (tests). Arguments that are not plain values
(a model instance's str() may change while its hash does not) are reversed every time.

Installed as a template builtin (settings.TEMPLATES), where it replaces the stock tag in
every template, the admin's and allauth's included; NoReverseMatch and `as var` behave as
Django's own."""

import functools
import uuid

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

# Exact types whose equality means the same str(): what URL arguments are in this project
# (a quoted name in a template is a SafeString).
_PLAIN = frozenset({str, SafeString, int, uuid.UUID})


@functools.lru_cache(maxsize=4096)
def _reverse(view_name, args, kwargs, current_app, urlconf, script_prefix):
    # script_prefix is part of the key only: reverse() reads it itself.
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def memo_reverse(view_name, args=(), kwargs=None, current_app=None):
    """reverse(view_name, args=args, kwargs=kwargs, current_app=current_app), remembered
    when every argument is a plain value."""
    kwargs = kwargs or {}
    if type(view_name) in _PLAIN and all(type(v) in _PLAIN for v in (*args, *kwargs.values())):
        return _reverse(
            view_name,
            tuple(args),
            tuple(sorted(kwargs.items())),
            current_app,
            get_urlconf(),
            get_script_prefix(),
        )
    return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


class MemoURLNode(defaulttags.URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = memo_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
