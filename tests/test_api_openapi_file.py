"""The published description (docs/openapi.yaml): what the server generates, valid for strict
OpenAPI 3.0 tools, its examples true to their own schemas (issue 21)."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
REGENERATE = (
    "DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python manage.py spectacular "
    "--validate --fail-on-warn --file docs/openapi.yaml"
)


@pytest.fixture(scope="module")
def committed():
    return yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def test_the_committed_schema_is_what_the_server_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))
    assert generated.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        f"docs/openapi.yaml is out of date: {REGENERATE}"
    )


def test_the_committed_schema_validates(committed):
    validate(committed)  # openapi-spec-validator: raises on the first error


def _examples(committed):
    """(where, example value, its schema) for every request and answer example."""
    for path, item in committed["paths"].items():
        for method, operation in item.items():
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += list(operation["responses"].items())
            for status, body in bodies:
                for media_type, content in body.get("content", {}).items():
                    for name, example in content.get("examples", {}).items():
                        where = f"{method.upper()} {path} {status} {media_type} {name}"
                        yield where, example["value"], content["schema"]


def test_every_example_matches_its_schema(committed):
    examples = list(_examples(committed))
    assert len(examples) > 60
    for where, value, schema in examples:
        validator = OAS30Validator({**schema, "components": committed["components"]})
        errors = [error.message for error in validator.iter_errors(value)]
        assert not errors, (where, errors)
