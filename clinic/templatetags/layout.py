"""The layout's header (templates/base.html), written in Python.

Every page shows it, and through the template language it cost as much as the whole
middleware stack of an authenticated request: some thirty tags, conditions and variable
lookups for the navigation, the person's name and the log-out form (1.8M of a layout's
5.6M instructions). Written directly it costs a fraction of that; every text is escaped.
tests/test_layout_header.py holds it equal to what the templates wrote (its reference copy
is tests/templates/header_reference.html), for each role and page."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from .url_memo import memo_reverse

register = template.Library()

# (URL name, label): the navigation of each role; the current page's link is marked.
PROVIDER_NAV = (
    ("provider-dashboard", "Dashboard"),
    ("provider-session-list", "Sessions"),
    ("provider-session-schedule", "Schedule"),
    ("provider-client-list", "Clients"),
)
CLIENT_NAV = (
    ("portal-dashboard", "My care"),
    ("portal-session-list", "My sessions"),
)
_CSRF = CsrfTokenNode()


def _link(url_name, label, *, active=False, current=False):
    """A navigation link: `active` marks it, `current` also tells assistive technology."""
    classes = "nav-link active" if active or current else "nav-link"
    aria = ' aria-current="page"' if current else ""
    return (
        f'<li class="nav-item"><a class="{classes}"{aria} '
        f'href="{escape(memo_reverse(url_name))}">{label}</a></li>'
    )


def _navigation(context, user, match):
    current = match.url_name if match is not None else None
    provider = context.get("current_provider")
    if provider:
        links = "".join(
            _link(f"sessions_app:{name}", label, current=name == current)
            for name, label in PROVIDER_NAV
        )
        if provider.is_clinic_admin:
            in_clinic = match is not None and match.namespace == "clinic" and current != "home"
            links += _link("clinic:people", "Clinic", active=in_clinic)
        return links
    if context.get("current_client"):
        return "".join(
            _link(f"sessions_app:{name}", label, current=name == current)
            for name, label in CLIENT_NAV
        )
    if user.is_staff:
        return _link("admin:index", "Admin")
    return ""


def _menu(context, user):
    clinic = context.get("current_clinic")
    who = conditional_escape(user.full_name or user.email)
    if clinic:
        who += f" · {conditional_escape(clinic.name)}"
    return (
        '<ul class="navbar-nav"><li class="nav-item dropdown">'
        '<button class="nav-link dropdown-toggle" type="button" data-bs-toggle="dropdown" '
        f'aria-expanded="false" data-testid="who">{who}</button>'
        '<ul class="dropdown-menu dropdown-menu-end">'
        f'<li><a class="dropdown-item" href="{escape(memo_reverse("account_change_password"))}">'
        "Change password</a></li>"
        f'<li><a class="dropdown-item" href="{escape(memo_reverse("mfa_index"))}">'
        "Two-factor authentication</a></li>"
        f'<li><a class="dropdown-item" href="{escape(memo_reverse("clinic:api-token"))}">'
        "API token</a></li>"
        '<li><hr class="dropdown-divider"></li>'
        f'<li><form method="post" action="{escape(memo_reverse("account_logout"))}">'
        f"{_CSRF.render(context)}"
        '<button type="submit" class="dropdown-item">Log out</button></form></li>'
        "</ul></li></ul>"
    )


@register.simple_tag(takes_context=True)
def site_header(context):
    """The `<header>`: the brand, and for a logged-in person the navigation of their role
    (the current page marked) and their menu."""
    user = context.get("user")
    parts = [
        '<header><nav class="navbar navbar-expand-md navbar-dark bg-primary-subtle app-navbar" '
        'aria-label="Main navigation"><div class="container">'
        f'<a class="navbar-brand fw-semibold" href="{escape(memo_reverse("clinic:home"))}">'
        "CareSessions</a>"
    ]
    if user is not None and user.is_authenticated:
        request = context.get("request")
        match = getattr(request, "resolver_match", None)
        parts.append(
            '<button class="navbar-toggler" type="button" data-bs-toggle="collapse" '
            'data-bs-target="#main-nav" aria-controls="main-nav" aria-expanded="false" '
            'aria-label="Toggle navigation"><span class="navbar-toggler-icon"></span></button>'
            '<div class="collapse navbar-collapse" id="main-nav">'
            f'<ul class="navbar-nav me-auto">{_navigation(context, user, match)}</ul>'
            f"{_menu(context, user)}</div>"
        )
    parts.append("</div></nav></header>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped
