"""The OpenAPI schema view, one generation at a time per process: drf-spectacular's first
generation is not thread-safe (issues #1122, #1123) and can 500 under gunicorn's threads."""

import threading

from drf_spectacular.views import SpectacularAPIView

_generating = threading.Lock()


class SchemaView(SpectacularAPIView):
    def _get_schema_response(self, request):
        with _generating:
            return super()._get_schema_response(request)
