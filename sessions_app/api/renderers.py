"""The API's JSON, written by orjson: the bytes DRF's JSONRenderer writes, several times
faster.

A page of sessions is some 70 kB of JSON; Python's json module (DRF's renderer) took
0.6 ms of CPU for it, orjson 0.05 ms. orjson also writes times itself, in C, as DRF's
encoder does (ISO 8601, "Z" for a zero UTC offset, microseconds when there are some), so
that api/output.py hands it datetimes on the clinic's clock rather than formatting several
hundred of them in Python. What it writes differently from DRF is left to DRF: indented
output, ASCII-only output (UNICODE_JSON off), spaced output (COMPACT_JSON off), and any value
orjson refuses (integers past 64 bits, keys that are not strings). Types orjson does not
know (lazy translations, querysets) go through DRF's encoder one by one. One difference is
kept: DRF refuses a float that is not a number, orjson writes null; no answer of this API
holds a float. tests/test_api_renderer.py holds the two to the same bytes."""

import orjson
from rest_framework import renderers

# DRF escapes these two (valid in JSON, not in JavaScript source); orjson does not.
_LINE_SEPARATORS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_PASSTHROUGH_DATACLASS


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if (
            data is None
            or self.get_indent(accepted_media_type, renderer_context or {})
            or self.ensure_ascii
            or not self.compact
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            ret = orjson.dumps(data, default=self.encoder_class().default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in ret:
                ret = ret.replace(raw, escaped)
        return ret
