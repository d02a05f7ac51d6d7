#!/usr/bin/env python
import os
import secrets
import sys

# Commands that read the models and write (or check) migration files sign nothing: without a
# SECRET_KEY, which the settings demand whenever DEBUG is off, they run with a throwaway one,
# so that `manage.py makemigrations --check` works on a bare checkout. Nothing that serves,
# signs or checks the deployment starts without the real key.
KEYLESS_COMMANDS = {"makemigrations"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    if sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
