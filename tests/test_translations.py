"""The translation tooling: clinic's makemessages reads the Jinja2 templates with Jinja2's
own extractor, Django's templates with Django's, and `--check` (make i18n-check) fails when
the catalog lacks a string."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.template import engines

from clinic.management.commands.makemessages import as_python, catalog_entries

pytestmark = pytest.mark.skipif(
    not shutil.which("xgettext"), reason="GNU gettext is not installed (apt-get install gettext)"
)

PAGE = """{% extends "layout/base.html" %}
{% block content %}
<h1>{{ _("Hello %(name)s", name=user.full_name) }}</h1>
<p>{{ ngettext("%(num)s apple", "%(num)s apples", apples) }}</p>
<p>{% trans count=pears %}One pear{% pluralize %}{{ count }} pears{% endtrans %}</p>
<p>{% trans %}A "quoted" word — ñandú{% endtrans %}</p>
<p title="{{ _('Multi\\nline') }}">{{ pgettext("menu", "Open") }} {{ _(variable) }}</p>
{% endblock %}
"""
EMAIL = """{% load i18n %}{% blocktranslate with name=user.full_name %}Dear {{ name }},{% endblocktranslate %}
{% translate "From Django's engine" %}
"""  # noqa: E501 - a template's first line


@pytest.fixture
def project(tmp_path, monkeypatch, settings):
    """A project tree of its own: Jinja2 templates, Django templates inside them, Python,
    and folders makemessages must leave alone."""
    (tmp_path / "templates" / "django" / "mail").mkdir(parents=True)
    (tmp_path / "templates" / "page.html").write_text(PAGE)
    (tmp_path / "templates" / "django" / "mail" / "note.txt").write_text(EMAIL)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        "from django.utils.translation import gettext as _\n\nTEXT = _('From Python')\n"
    )
    for ignored in ("tests", "static"):
        (tmp_path / ignored).mkdir()
        (tmp_path / ignored / "x.py").write_text("_('Not ours')\n")
        (tmp_path / ignored / "x.html").write_text("{{ _('Not ours either') }}\n")
    (tmp_path / "locale").mkdir()
    jinja2, django = (dict(engine) for engine in settings.TEMPLATES)
    settings.TEMPLATES = [
        {**jinja2, "DIRS": [tmp_path / "templates"]},
        {**django, "DIRS": [tmp_path / "templates" / "django"]},
    ]
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    return tmp_path


def entries(path):
    return catalog_entries(path)


def test_jinja2_and_django_strings_reach_the_pot_with_their_file_and_line(project):
    call_command("makemessages", locale=["es"], keep_pot=True, verbosity=0)
    pot = entries(project / "locale" / "django.pot")
    assert pot[None, "Hello %(name)s"] == "templates/page.html:3"
    assert pot[None, "%(num)s apple"] == "templates/page.html:4"
    assert pot[None, "One pear"] == "templates/page.html:5"
    assert pot[None, 'A "quoted" word — ñandú'] == "templates/page.html:6"
    assert pot[None, "Multi\nline"] == "templates/page.html:7"
    assert pot["menu", "Open"] == "templates/page.html:7"
    assert pot[None, "Dear %(name)s,"] == "templates/django/mail/note.txt:1"
    assert pot[None, "From Django's engine"] == "templates/django/mail/note.txt:2"
    assert pot[None, "From Python"] == "app/views.py:3"
    assert not {msgid for _, msgid in pot if "Not ours" in msgid}
    text = (project / "locale" / "django.pot").read_text()
    assert 'msgid_plural "%(num)s apples"' in text
    assert 'msgid_plural "%(count)s pears"' in text
    # The Python stand-ins are gone; the catalog exists.
    assert not list(project.rglob("*.html.py"))
    assert (project / "locale" / "es" / "LC_MESSAGES" / "django.po").exists()


def test_check_fails_on_a_string_the_catalog_lacks_and_changes_nothing(project):
    call_command("makemessages", locale=["es"], verbosity=0)
    po = project / "locale" / "es" / "LC_MESSAGES" / "django.po"
    call_command("makemessages", locale=["es"], check=True, verbosity=0)

    page = project / "templates" / "page.html"
    page.write_text(PAGE.replace("{% endblock %}", '{{ _("Brand new") }}\n{% endblock %}'))
    before = po.read_text()
    with pytest.raises(CommandError) as failure:
        call_command("makemessages", locale=["es"], check=True, verbosity=0)
    assert "'Brand new' (templates/page.html:8)" in str(failure.value)
    assert po.read_text() == before
    assert not (project / "locale" / "django.pot").exists()


def test_a_template_jinja2_cannot_read_is_named(project):
    (project / "templates" / "broken.html").write_text("<p>\n{% if %}\n")
    with pytest.raises(CommandError, match=r"templates/broken.html:2"):
        call_command("makemessages", locale=["es"], verbosity=0)
    assert not list(project.rglob("*.html.py"))


def test_every_product_template_reads_as_python_on_its_own_lines():
    environment = engines["jinja2"].env
    templates = Path(settings.BASE_DIR) / "templates"
    found = 0
    for path in templates.rglob("*.html"):
        if templates / "django" in path.parents:
            continue
        source = path.read_text()
        python = as_python(source, environment)
        compile(python, str(path), "exec")
        assert python.count("\n") == len(source.splitlines()), path
        found += python.count("(")
    assert found > 100
