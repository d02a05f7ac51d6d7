"""GAD-7 (Generalized Anxiety Disorder scale), public domain (Pfizer: no permission needed
to reproduce, translate, display or distribute)."""

from django.utils.translation import gettext_lazy as _

from . import Band, Instrument

INSTRUMENT = Instrument(
    code="gad7",
    name="GAD-7",
    title=_("GAD-7 anxiety questionnaire"),
    instructions=_(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    items=(
        _("Feeling nervous, anxious, or on edge"),
        _("Not being able to stop or control worrying"),
        _("Worrying too much about different things"),
        _("Trouble relaxing"),
        _("Being so restless that it is hard to sit still"),
        _("Becoming easily annoyed or irritable"),
        _("Feeling afraid, as if something awful might happen"),
    ),
    bands=(
        Band("minimal", _("Minimal"), 0, 4),
        Band("mild", _("Mild"), 5, 9),
        Band("moderate", _("Moderate"), 10, 14),
        Band("severe", _("Severe"), 15, 21),
    ),
    reliable_change=4,
)
