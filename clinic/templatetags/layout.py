"""The layout (templates/layout/) in Django's templates: allauth's pages, and any other page
on Django's engine, show the same header, messages and footer as the product's pages."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def layout(context, name):
    """Render templates/`name` (Jinja2) with this page's context (and its request)."""
    request = context.get("request")
    rendered = engines["jinja2"].get_template(name).render(context.flatten(), request)
    return mark_safe(rendered)  # noqa: S308 - a template's output, escaped by Jinja2
