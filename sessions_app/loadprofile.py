"""The people and sessions that `seed_load` creates for the benchmark to log in as and open.

Plain constants (no Django import), so that `scripts/bench.py` can read them before it
starts a server. The UUIDs are fixed: every load database has the same featured objects."""

import uuid

DEFAULT_PASSWORD = "demo-pass-123"  # noqa: S105 - the documented load-data password

_NAMESPACE = uuid.UUID("6f1c2f0e-5b0e-4c7d-9a53-2f4d1b7c9e01")


def featured_uuid(name):
    return uuid.uuid5(_NAMESPACE, name)


# A provider with a full caseload: on the care team of CASELOAD clients, each with two years
# of weekly sessions.
PROVIDER_EMAIL = "caseload.provider@load.example"
CASELOAD = 40
WEEKS = 104
# One of those clients: two years of weekly sessions, the current one with 10 homework
# items and 50 messages.
CLIENT_EMAIL = "weekly.client@load.example"
SESSION_UUID = featured_uuid("featured-session")
SESSION_HOMEWORK = 10
SESSION_MESSAGES = 50
