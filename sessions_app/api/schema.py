"""The OpenAPI schema view, one generation at a time: drf-spectacular's is not thread-safe."""

import threading

from drf_spectacular.views import SpectacularAPIView

_generating = threading.Lock()


class SchemaView(SpectacularAPIView):
    def _get_schema_response(self, request):
        with _generating:
            return super()._get_schema_response(request)
