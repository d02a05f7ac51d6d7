"""The OpenAPI schema view, one generation at a time in each process.

drf-spectacular's generator is not thread-safe: on the first generation in a process it
imports each registered extension's target class and writes the result onto the extension
class, and a second thread generating at the same moment can read that half-written state
and fail with a 500 (drf-spectacular issues #1122 and #1123). With gunicorn's threads, two
programs fetching the schema at once did exactly that. Generations here take a lock, so
they run one after another; the schema is a rarely fetched document, so nothing waits long.
"""

import threading

from drf_spectacular.views import SpectacularAPIView

_generating = threading.Lock()


class SchemaView(SpectacularAPIView):
    def _get_schema_response(self, request):
        with _generating:
            return super()._get_schema_response(request)
