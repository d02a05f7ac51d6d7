"""Standard questionnaires given as homework, as data; one module per instrument."""

import dataclasses

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The answer scale both instruments share: how often, over the last two weeks.
SCALE = (
    (0, _("Not at all")),
    (1, _("Several days")),
    (2, _("More than half the days")),
    (3, _("Nearly every day")),
)
SCALE_VALUES = tuple(value for value, _label in SCALE)
# Remission: a score below this, on either instrument.
REMISSION_BELOW = 5


@dataclasses.dataclass(frozen=True)
class Band:
    code: str
    label: str
    low: int
    high: int


@dataclasses.dataclass(frozen=True)
class Score:
    total: int
    band: Band


@dataclasses.dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    title: str
    instructions: str
    items: tuple
    bands: tuple
    # A change of at least this many points from the first score is reliable.
    reliable_change: int
    # The 1-based item whose answer above 0 flags the response for the care team, or None.
    risk_item: int | None = None

    @property
    def max_total(self):
        return 3 * len(self.items)

    def band_for(self, total):
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        raise ValueError(f"{self.code}: no band holds {total}")

    def band_named(self, code):
        return next((band for band in self.bands if band.code == code), None)

    def score(self, answers):
        total = sum(answers)
        return Score(total=total, band=self.band_for(total))

    def is_risk(self, answers):
        return self.risk_item is not None and answers[self.risk_item - 1] > 0

    def field_name(self, number):
        return f"item_{number}"

    def clean_answers(self, answers):
        """`answers` as a list of ints, one per item in order, each 0-3; else a
        ValidationError naming every item that is missing or out of range."""
        if not isinstance(answers, list | tuple):
            raise ValidationError(
                {"answers": gettext("Give the answers as a list, one for each question.")}
            )
        if len(answers) != len(self.items):
            raise ValidationError(
                {
                    "answers": gettext(
                        "Answer every question: %(count)s answers are needed, %(given)s given."
                    )
                    % {"count": len(self.items), "given": len(answers)}
                }
            )
        errors = {}
        cleaned = []
        for number, value in enumerate(answers, start=1):
            if value is None or value == "":
                errors[self.field_name(number)] = gettext(
                    "Question %(number)s has no answer: choose one of the four."
                ) % {"number": number}
            elif isinstance(value, bool) or not isinstance(value, int) or value not in SCALE_VALUES:
                errors[self.field_name(number)] = gettext(
                    "Question %(number)s: the answer must be 0, 1, 2 or 3."
                ) % {"number": number}
            else:
                cleaned.append(value)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _registry():
    # Imported here: each instrument's module builds its Instrument from the classes above.
    from . import gad7, phq9

    return {phq9.INSTRUMENT.code: phq9.INSTRUMENT, gad7.INSTRUMENT.code: gad7.INSTRUMENT}


INSTRUMENTS = _registry()


def instrument(code):
    """The Instrument of `code` ("phq9", "gad7"), or None for free-text homework."""
    return INSTRUMENTS.get(code)
