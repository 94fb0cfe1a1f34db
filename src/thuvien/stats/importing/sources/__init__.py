"""Published statistics loaded through the paths users have: the registry's import for the
libraries, load_form and open_round for the forms and rounds, the statistics import for the
figures (docs/adr/0013-statistics-external-data.md)."""

from __future__ import annotations

from pathlib import Path

from thuvien.stats.definitions import load_file
from thuvien.stats.models import FormDefinition, ReportingRound
from thuvien.stats.services.forms import load_form
from thuvien.stats.services.rounds import open_round

# The repository sits next to the shared data folder in the development layout.
SHARED_DATA = Path(__file__).resolve().parents[6] / "shared/data/stats"
FORMS = Path(__file__).resolve().parents[2] / "forms_shipped"
MAPS = Path(__file__).resolve().parents[1] / "maps"


def shipped_form(actor, code: str) -> FormDefinition:
    """The shipped definition loaded (a new version only when it changed)."""
    form, _ = load_form(actor, load_file(FORMS / f"{code}.json"))
    return form


def round_for(actor, form: FormDefinition, year: int, period: str, title: str) -> ReportingRound:
    """The round of that period, opened empty the first time (the import adds the reports
    of the units in the file: an external source has no list of expected libraries)."""
    existing = ReportingRound.objects.filter(form__code=form.code, period=period).first()
    if existing is not None:
        return existing
    return open_round(actor, form, year, period=period, title=title, libraries=[])
