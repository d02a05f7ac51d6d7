from django.conf import settings

# What every logged-in page costs before its own work: the log-in session (read from Redis
# when there is one: clinic/settings.py uses the cached_db engine then), the user with
# their role and clinic (one query, clinic/backends.py), the audit event it leaves, and the
# header's bell (one count of unread notifications, notifications/selectors.py).
SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
REQUEST_QUERIES = SESSION_QUERIES + 3
# The bell's count is then kept in the cache (notifications/selectors.py): a person's next
# page pays no query for it.
WARM_REQUEST_QUERIES = REQUEST_QUERIES - 1
# A session page that finds unread notifications about its session marks them read.
READ_NOTIFICATIONS_QUERIES = 1
