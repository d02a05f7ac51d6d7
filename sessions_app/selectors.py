"""Every read the session pages and the API make, by name (STYLE.md 1, 5).

Each selector starts from the scoped querysets (`visible_to`), so that what a person may not
see is simply not found. Where a read's SQL is written once per process for speed, the
machinery lives in clinic/compiled.py and the stand-in values stay in this module: views,
templates and the API see only the names below."""
