"""gunicorn's settings for CareSessions (gunicorn reads ./gunicorn.conf.py by itself when
started from the project's root, as `make bench` and a deployment do).

Python's cyclic garbage collector walks every object of the oldest generation on a full
collection: in a worker that has imported Django, the apps and their URL patterns, that is
some 150,000 objects and 70 ms, every hundred requests or so, which showed as the 99th
percentile of every page under load. Those objects live as long as the worker: after the
app is loaded they are moved out of the collector's sight (gc.freeze), and collections
walk only what requests make. Nothing else changes: cycles made by requests are still
collected.

The first requests build more that lives as long: compiled queries, compiled templates,
the caches of URLs, macros and questionnaires. Left in sight they made each full
collection 10 to 23 ms (one every ~220 requests, growing as the caches filled); frozen too,
after the 10th, 100th, 1,000th and 10,000th request, 2 to 9 ms (docs/performance.md)."""

import gc

# Requests after which a worker freezes what it has kept so far: by then the caches are warm.
FREEZE_AFTER = frozenset({10, 100, 1_000, 10_000})


def post_worker_init(worker):
    # Import every view (the URL patterns) before freezing, so that they are frozen too.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    gc.freeze()


def post_request(worker, req, environ, resp):
    if worker.nr in FREEZE_AFTER:
        # Collect first: garbage frozen would never be freed.
        gc.collect()
        gc.freeze()
