"""gunicorn's settings for CareSessions (gunicorn reads ./gunicorn.conf.py by itself when
started from the project's root, as `make bench` and a deployment do).

Python's cyclic garbage collector walks every object of the oldest generation on a full
collection: in a worker that has imported Django, the apps and their URL patterns, that is
some 150,000 objects and 70 ms, every hundred requests or so, which showed as the 99th
percentile of every page under load. Those objects live as long as the worker: after the
app is loaded they are moved out of the collector's sight (gc.freeze), and collections
walk only what requests make. Nothing else changes: cycles made by requests are still
collected."""

import gc


def post_worker_init(worker):
    # Import every view (the URL patterns) before freezing, so that they are frozen too.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    gc.freeze()
