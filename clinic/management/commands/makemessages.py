"""Django's makemessages, also extracting Jinja2 templates (as gettext calls on their lines).
`--check` fails when a catalog lacks a string the sources have (`make i18n-check`)."""

import ast
import json
import os
import re
from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.utils.functional import cached_property
from jinja2 import TemplateSyntaxError

IGNORED = ["static", "staticfiles", "tests", "node_modules", "build", "*.egg-info"]
IGNORED += ["test-artifacts", "bench-results"]


def jinja2_environment_for(path):
    """The Jinja2 environment rendering `path`, else None (templates/django/ is in templates/)."""
    path = Path(path).resolve()
    closest, environment = None, None
    for engine in engines.all():
        if not isinstance(engine, Jinja2 | DjangoTemplates):
            continue
        for folder in map(Path, engine.template_dirs):
            folder = folder.resolve()
            if folder in path.parents and (closest is None or closest in folder.parents):
                closest = folder
                environment = engine.env if isinstance(engine, Jinja2) else None
    return environment


def as_python(source, environment):
    lines = [[] for _ in source.splitlines() or [""]]
    for lineno, function, message in environment.extract_translations(source):
        strings = message if isinstance(message, tuple) else (message,)
        if strings[0] is None:  # _(variable): nothing to extract
            continue
        arguments = ", ".join(
            "None" if s is None else json.dumps(s, ensure_ascii=False) for s in strings
        )
        lines[lineno - 1].append(f"{function}({arguments})")
    return "".join("; ".join(calls) + "\n" for calls in lines)


_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$')


def catalog_entries(path):
    """{(context, msgid): references} of a .po or .pot file, without obsolete entries."""
    entries, fields, references, current = {}, {}, [], None

    def close():
        if fields.get("msgid"):
            entries[fields.get("msgctxt"), fields["msgid"]] = " ".join(references)
        fields.clear()
        references.clear()

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        match = _KEYWORD.match(line)
        if match:
            keyword = match[1].split("[")[0]
            if keyword in ("msgctxt", "msgid") and "msgstr" in fields:
                close()
            current = keyword
            fields[current] = fields.get(current, "") + ast.literal_eval(match[2])
        elif line.startswith('"') and current:
            fields[current] += ast.literal_eval(line)
        else:
            current = None
            if line.startswith("#: "):
                if "msgstr" in fields:
                    close()
                references.append(line[3:])
    close()
    return entries


class BuildFile(makemessages.BuildFile):
    @cached_property
    def jinja2_environment(self):
        if self.domain != "django" or not self.path.endswith((".html", ".txt")):
            return None
        return jinja2_environment_for(self.path)

    def preprocess(self):
        if self.jinja2_environment is None:
            return super().preprocess()
        source = Path(self.path).read_text(encoding="utf-8")
        try:
            python = as_python(source, self.jinja2_environment)
        except TemplateSyntaxError as error:
            raise CommandError(f"{self.path}:{error.lineno}: {error.message}") from error
        Path(self.work_path).write_text(python, encoding="utf-8")


class Command(makemessages.Command):
    build_file_class = BuildFile

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change no catalog; fail when one lacks a string the sources have.",
        )

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        self.check = options["check"]
        self.missing = {}
        super().handle(*args, **options)
        if self.missing:
            report = "\n\n".join(
                "\n".join([f"{po}:", *lines]) for po, lines in self.missing.items()
            )
            raise CommandError(
                "The catalog lacks strings the sources have (run `make messages`, then "
                f"translate them):\n{report}"
            )

    def write_po_file(self, potfile, locale):
        if not self.check:
            return super().write_po_file(potfile, locale)
        pofile = os.path.join(os.path.dirname(potfile), locale, "LC_MESSAGES", f"{self.domain}.po")
        have = catalog_entries(pofile) if os.path.exists(pofile) else {}
        for key, references in catalog_entries(potfile).items():
            if key not in have:
                self.missing.setdefault(pofile, []).append(f"  {key[1]!r} ({references})")
        return None
