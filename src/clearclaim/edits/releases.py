"""Which release of each CMS file judges a date of service, and what to say when
none loaded is in force.

The store picks the release in force, else the nearest one with a warning.
Two refinements here: when the nearest release's rows carry their own
effective and deletion dates (the full CMS add-on file), a LATER release can
judge an earlier date exactly, so it is preferred; and the warning gains a note
on what the file cannot tell (the shipped PTP file has no effective dates, so
edits added after the date of service look like edits in force on it).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from clearclaim.edits.models import Setting
from clearclaim.edits.rules import edit_data
from clearclaim.models import DataWarning, ReleaseInfo, Source
from clearclaim.store import FAMILY_TITLES, Store
from clearclaim.store.queries import edits as queries

#: the role each family plays, per claim setting
ROLE_FAMILIES: dict[Setting, dict[str, str]] = {
    "professional": {
        "ptp": "ptp_practitioner",
        "mue": "mue_practitioner",
        "aoc": "aoc",
        "pfs": "pfs_rvu",
    },
    "facility": {
        "ptp": "ptp_outpatient_hospital",
        "mue": "mue_outpatient_hospital",
        "aoc": "aoc",
        "pfs": "pfs_rvu",
    },
}

#: families whose table has an effective_date column that a full CMS file fills
_DATED_TABLES = {"aoc": "aoc", "ptp_practitioner": "ptp", "ptp_outpatient_hospital": "ptp"}


@dataclass(frozen=True)
class Choice:
    """The release that judges one family on one date of service."""

    family: str
    release: ReleaseInfo
    keys: tuple[int, ...]
    in_force: bool
    warning: DataWarning | None = None

    @property
    def label(self) -> str:
        return self.release.label

    @property
    def title(self) -> str:
        return FAMILY_TITLES.get(self.family, self.family)

    def source(self, row: str | None = None) -> Source:
        return Source(
            kind="cms_file",
            title=self.title,
            release=self.release.label,
            file=self.release.source_name,
            row=row,
            effective_start=self.release.effective_start,
            effective_end=self.release.effective_end,
        )


class Resolver:
    """Release choices by (family, date), cached: a claim file has few distinct dates."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._choices: dict[tuple[str, date], Choice] = {}
        self._dated: dict[int, bool] = {}
        self._lock = threading.Lock()

    def choose(self, family: str, day: date) -> Choice:
        key = (family, day)
        found = self._choices.get(key)
        if found is None:
            found = self._choose(family, day)
            with self._lock:
                self._choices[key] = found
        return found

    def _choose(self, family: str, day: date) -> Choice:
        picked = self.store.release_for(family, day)
        if picked.in_force:
            return Choice(family, picked.release, picked.ids, True)
        notes = edit_data().release_notes
        if family in _DATED_TABLES:
            later = sorted(
                (r for r in self.store.releases(family) if r.effective_start > day),
                key=lambda r: r.effective_start,
            )
            for info in later:
                if self._has_dates(family, info.release_id):
                    keys = tuple(
                        r.release_id for r in self.store.releases(family) if r.label == info.label
                    )
                    message = (
                        f"no {FAMILY_TITLES.get(family, family)} loaded is in force on "
                        f"{day.isoformat()}; using {info.label} (effective "
                        f"{info.effective_start.isoformat()} to {info.effective_end.isoformat()}). "
                        + notes["aoc_dated"]
                    )
                    warning = DataWarning(
                        code="release_not_in_force", family=family, message=message
                    )
                    return Choice(family, info, keys, False, warning)
        base = picked.warning.message if picked.warning else ""
        release = picked.release
        prefix = family.split("_")[0]
        when = "before" if day < release.effective_start else "after"
        note = notes.get(f"{prefix}_{when}") or notes.get(f"{prefix}_any") or ""
        note = note.format(
            start=release.effective_start.isoformat(), end=release.effective_end.isoformat()
        )
        warning = DataWarning(
            code="release_not_in_force", family=family, message=f"{base}. {note}".strip()
        )
        return Choice(family, release, picked.ids, False, warning)

    def _has_dates(self, family: str, release_id: int) -> bool:
        """Whether a release's rows carry effective dates (see the query)."""
        if release_id not in self._dated:
            found = queries.has_effective_dates(self.store, _DATED_TABLES[family], release_id)
            self._dated[release_id] = found
        return self._dated[release_id]

    def latest(self, family: str) -> ReleaseInfo | None:
        infos = self.store.releases(family)
        return max(infos, key=lambda r: (r.effective_start, r.imported_at)) if infos else None
