"""What is left of the session pages' Django template tags: `moment`, which
templatetags/session_rows.py (no page loads it) still imports. Both modules are to go."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def moment(value):
    """The `moment` macro of templates/macros/time.html."""
    macros = engines["jinja2"].env.get_template("macros/time.html").module
    return mark_safe(str(macros.moment(value)))  # noqa: S308 - the template escapes
