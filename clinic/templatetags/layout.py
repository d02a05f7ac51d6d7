"""The Jinja2 layout (templates/layout/) for pages on Django's engine, such as allauth's."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def layout(context, name):
    request = context.get("request")
    rendered = engines["jinja2"].get_template(name).render(context.flatten(), request)
    return mark_safe(rendered)  # noqa: S308 - a template's output, escaped by Jinja2
