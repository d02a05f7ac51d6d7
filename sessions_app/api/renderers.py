"""The bytes DRF's JSONRenderer writes, by orjson; what orjson writes differently (indent,
ASCII, spaced, refused values) falls back to DRF. Only NaN differs (no float in this API)."""

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
