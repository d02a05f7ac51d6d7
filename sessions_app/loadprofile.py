"""Who and what `seed_load` features for the benchmark; no Django import, so that
`scripts/bench.py` reads them before starting a server. Fixed UUIDs in every load."""

import uuid

DEFAULT_PASSWORD = "demo-pass-123"  # noqa: S105 - the documented load-data password

_NAMESPACE = uuid.UUID("6f1c2f0e-5b0e-4c7d-9a53-2f4d1b7c9e01")


def featured_uuid(name):
    return uuid.uuid5(_NAMESPACE, name)


# A provider on the care team of CASELOAD clients, each with WEEKS weekly sessions.
PROVIDER_EMAIL = "caseload.provider@load.example"
CASELOAD = 40
WEEKS = 104
# One of those clients, and their current session.
CLIENT_EMAIL = "weekly.client@load.example"
# Their page (the provider's side) holds two years of weekly PHQ-9 and GAD-7 scores.
CLIENT_UUID = featured_uuid("featured-client")
SESSION_UUID = featured_uuid("featured-session")
SESSION_HOMEWORK = 10
SESSION_MESSAGES = 50
# The featured provider's calendar feed (`scripts/bench.py` sets it): a fixed secret, for
# load data only; a real feed's secret is random (calendars/models.py).
FEED_SECRET = "load-" + featured_uuid("calendar-feed").hex
