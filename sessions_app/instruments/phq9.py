"""PHQ-9 (Patient Health Questionnaire, depression), public domain (Pfizer: no permission
needed to reproduce, translate, display or distribute)."""

from django.utils.translation import gettext_lazy as _

from . import Band, Instrument

INSTRUMENT = Instrument(
    code="phq9",
    name="PHQ-9",
    title=_("PHQ-9 depression questionnaire"),
    instructions=_(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        _("Little interest or pleasure in doing things"),
        _("Feeling down, depressed, or hopeless"),
        _("Trouble falling or staying asleep, or sleeping too much"),
        _("Feeling tired or having little energy"),
        _("Poor appetite or overeating"),
        _(
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down"
        ),
        _("Trouble concentrating on things, such as reading the newspaper or watching television"),
        _(
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual"
        ),
        _("Thoughts that you would be better off dead or of hurting yourself in some way"),
    ),
    bands=(
        Band("minimal", _("Minimal"), 0, 4),
        Band("mild", _("Mild"), 5, 9),
        Band("moderate", _("Moderate"), 10, 14),
        Band("moderately_severe", _("Moderately severe"), 15, 19),
        Band("severe", _("Severe"), 20, 27),
    ),
    reliable_change=6,
    risk_item=9,
)
