# What every logged-in page costs before its own work: the log-in session, the user with
# their role and clinic (one query, clinic/backends.py), and the audit event it leaves.
REQUEST_QUERIES = 3
