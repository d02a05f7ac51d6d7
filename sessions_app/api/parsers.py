"""JSON bodies read by orjson, refused with 400 when too deep or not JSON at all."""

import io
import re

import orjson
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# A JSON string (escapes included) or a bracket: what the depth scan of a body looks at.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def too_deep(value, limit):
    """Whether `value` nests lists and objects more than `limit` levels; no recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def text_too_deep(body, limit):
    """The same for a body not yet parsed: its brackets outside strings, counted."""
    depth = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    """orjson, bounded in depth (DRF's parser recursed without bound); what orjson refuses but
    the standard library takes goes to DRF's parser after a depth scan."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_DEPTH
        body = stream.read() if stream is not None else b""
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            if text_too_deep(body, limit):
                raise ParseError(self.too_deep_message(limit)) from None
            return super().parse(io.BytesIO(body), media_type, parser_context)
        if too_deep(data, limit):
            raise ParseError(self.too_deep_message(limit))
        return data

    @staticmethod
    def too_deep_message(limit):
        return _("The request body nests more than %(limit)d levels.") % {"limit": limit}
