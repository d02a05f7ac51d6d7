"""The demo clinics and people of DESIGN.md section 7."""

DEFAULT_PASSWORD = "demo-pass-123"  # noqa: S105 - the documented demo password

# crisis_contacts: shown to a client after a questionnaire answer that flags a risk.
CLINICS = [
    {
        "slug": "northside",
        "name": "Northside Therapy",
        "time_zone": "America/New_York",
        "crisis_contacts": "988 Suicide & Crisis Lifeline: call or text 988 (24 hours)\n"
        "Emergency: call 911",
    },
    {
        "slug": "riverside",
        "name": "Riverside Counseling",
        "time_zone": "Europe/London",
        "crisis_contacts": "Samaritans: call 116 123 (free, 24 hours)\nEmergency: call 999",
    },
]

SUPERUSER = {"email": "admin@example.com", "full_name": "Site Administrator"}

PROVIDERS = [
    {
        "email": "ava@northside.example",
        "full_name": "Ava Thompson",
        "clinic": "northside",
        "title": "Clinical psychologist",
        "is_clinic_admin": True,
    },
    {
        "email": "ben@northside.example",
        "full_name": "Ben Okafor",
        "clinic": "northside",
        "title": "Counsellor",
        "is_clinic_admin": False,
    },
    {
        "email": "cara@northside.example",
        "full_name": "Cara Lindqvist",
        "clinic": "northside",
        "title": "Psychiatrist",
        "is_clinic_admin": False,
    },
    {
        "email": "dan@riverside.example",
        "full_name": "Dan Whitfield",
        "clinic": "riverside",
        "title": "Psychotherapist",
        "is_clinic_admin": False,
    },
]

CLIENTS = [
    {
        "email": "chloe@northside.example",
        "full_name": "Chloe Martin",
        "clinic": "northside",
        "care_team": ["ava@northside.example", "ben@northside.example"],
    },
    {
        "email": "dylan@northside.example",
        "full_name": "Dylan Reyes",
        "clinic": "northside",
        "care_team": ["ava@northside.example"],
    },
    {
        "email": "erin@riverside.example",
        "full_name": "Erin Walsh",
        "clinic": "riverside",
        "care_team": ["dan@riverside.example"],
    },
]
