"""Where a service is paid: national, a MAC locality, or the locality of a ZIP code.

Localities and their GPCIs come from the GPCI release in force on the date of
service (the newest earlier one, with a warning, when none is); ZIP codes from
the CMS ZIP5 file. National prices use GPCIs of 1 for all three components, as
the PFS Look-up Tool's national amount does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from clearclaim.errors import FieldError, ReleaseError, UnknownLocalityError
from clearclaim.models import DataWarning, Source
from clearclaim.pricing.models import Gpcis, LocalityInfo
from clearclaim.store import FAMILY_TITLES, ReleaseChoice, Store
from clearclaim.store.queries import pricing as queries

ZIP_RE = re.compile(r"^(\d{5})(?:-?\d{4})?$")
LOCALITY_RE = re.compile(r"^(\d{4,5})(?:[-\s/]?)(\d{1,2})$")
NATIONAL_MAC = "00000"
NATIONAL_NUMBER = "00"
ONE = Decimal(1)


def to_decimal(value: object) -> Decimal | None:
    """The exact decimal a stored number was written as (``repr`` of a float is the
    shortest text that reads back to it: 0.3 stays 0.3, not 0.299999...)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def parse_zip(text: str) -> str:
    """Five digits (ZIP+4 accepted; the ZIP5 file prices by the first five)."""
    match = ZIP_RE.match(text.strip())
    if not match:
        raise FieldError(
            f"{text!r} is not a ZIP code", field="zip", value=text, hint="give 5 digits, e.g. 10001"
        )
    return match.group(1)


def parse_locality(text: str) -> tuple[str, str]:
    """``MAC-LL`` (01112-05), also ``0111205`` or ``01112 5``."""
    match = LOCALITY_RE.match(text.strip())
    if not match:
        raise FieldError(
            f"{text!r} is not a MAC locality",
            field="locality",
            value=text,
            hint="write it as MAC-LL, e.g. 01112-05 (MAC 01112, locality 05)",
        )
    return match.group(1).zfill(5), match.group(2).zfill(2)


@dataclass(frozen=True)
class GpciRow:
    mac: str
    number: str
    state: str | None
    name: str
    work: Decimal
    pe: Decimal
    mp: Decimal


@dataclass
class ResolvedLocality:
    locality: LocalityInfo
    gpci: Gpcis
    warnings: list[DataWarning] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def release_source(choice: ReleaseChoice, row: str | None = None) -> Source:
    info = choice.release
    return Source(
        kind="cms_file",
        title=FAMILY_TITLES.get(info.family, info.family),
        release=info.label,
        file=info.source_name,
        row=row,
        effective_start=info.effective_start,
        effective_end=info.effective_end,
    )


def clean_name(name: str | None) -> str:
    # CMS marks floors and shared localities with trailing asterisks (ALASKA*)
    return (name or "").rstrip("*").strip()


class LocalityResolver:
    """Locality and GPCI look-ups, cached per release (GPCI files are ~110 rows)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._gpci: dict[str, dict[tuple[str, str], GpciRow]] = {}
        self._zip: dict[tuple[str, str], tuple[Any, ...] | None] = {}
        self._choices: dict[tuple[str, date], ReleaseChoice] = {}

    def choice(self, family: str, day: date) -> ReleaseChoice:
        key = (family, day)
        found = self._choices.get(key)
        if found is None:
            if len(self._choices) > 100_000:  # one entry per family and day: bound it
                self._choices.clear()
            found = self.store.release_for(family, day)
            self._choices[key] = found
        return found

    def gpci_rows(self, choice: ReleaseChoice) -> dict[tuple[str, str], GpciRow]:
        rows = self._gpci.get(choice.key)
        if rows is None:
            fetched = queries.gpci_rows(self.store, choice)
            rows = {}
            for mac, number, state, name, work, pe, mp in fetched:
                values = (to_decimal(work), to_decimal(pe), to_decimal(mp))
                if None in values:
                    continue  # a row without all three GPCIs cannot price anything
                rows[(mac, number)] = GpciRow(mac, number, state, clean_name(name), *values)  # type: ignore[arg-type]
            self._gpci[choice.key] = rows
        return rows

    def _zip_row(self, choice: ReleaseChoice, zip5: str) -> tuple[Any, ...] | None:
        key = (choice.key, zip5)
        if key not in self._zip:
            self._zip[key] = queries.zip_locality(self.store, choice, zip5)
        return self._zip[key]

    def resolve(
        self, day: date, *, zip_code: str | None = None, locality: str | None = None
    ) -> ResolvedLocality:
        if zip_code and locality:
            raise FieldError(
                "give either a ZIP code or a locality, not both", field="locality",
                hint="--zip finds the locality itself",
            )  # fmt: skip
        if not zip_code and not locality:
            return ResolvedLocality(
                LocalityInfo(
                    mac=NATIONAL_MAC, number=NATIONAL_NUMBER, name="National", national=True
                ),
                Gpcis(work=ONE, pe=ONE, mp=ONE, release=None),
            )
        warnings: list[DataWarning] = []
        sources: list[Source] = []
        zip5 = None
        if zip_code:
            zip5 = parse_zip(zip_code)
            try:
                zchoice = self.choice("zip_locality", day)
            except ReleaseError as exc:
                raise UnknownLocalityError(
                    f"cannot look up ZIP {zip5}: {exc.message}", hint=exc.hint
                ) from exc
            if zchoice.warning:
                warnings.append(zchoice.warning)
            found = self._zip_row(zchoice, zip5)
            if found is None:
                raise UnknownLocalityError(
                    f"ZIP {zip5} is not in the ZIP code to locality file {zchoice.release.label}",
                    hint="check the ZIP code, or give --locality MAC-LL",
                )
            mac, number, _state, plus_four = found
            sources.append(release_source(zchoice, row=zip5))
            if (plus_four or "").strip() == "1":
                warnings.append(
                    DataWarning(
                        code="zip_plus_four",
                        family="zip_locality",
                        message=(
                            f"ZIP {zip5} is split between localities by ZIP+4 (CMS ZIP5 plus-four "
                            f"flag); {mac}-{number} is the ZIP5 file's locality, the ZIP+4 may "
                            "differ"
                        ),
                    )
                )
        else:
            mac, number = parse_locality(locality or "")
        gchoice = self.choice("gpci", day)
        if gchoice.warning:
            warnings.append(gchoice.warning)
        rows = self.gpci_rows(gchoice)
        row = rows.get((mac, number))
        if row is None:
            same_mac = sorted(n for m, n in rows if m == mac)
            if same_mac:
                hint = f"localities of MAC {mac}: {', '.join(same_mac)}"
            else:
                hint = (
                    "see 'clearclaim data status' for the GPCI release; MACs: "
                    + ", ".join(sorted({m for m, _ in rows})[:12])
                    + " ..."
                )
            via = f"ZIP {zip5} maps to {mac}-{number}, but " if zip5 else ""
            raise UnknownLocalityError(
                f"{via}locality {mac}-{number} is not in the GPCI file {gchoice.release.label}",
                hint=hint,
            )
        sources.append(release_source(gchoice, row=f"{mac}-{number}"))
        return ResolvedLocality(
            LocalityInfo(
                mac=mac,
                number=number,
                name=row.name,
                state=row.state,
                chosen_by="zip" if zip5 else "locality",
                zip_code=zip5,
            ),
            Gpcis(work=row.work, pe=row.pe, mp=row.mp, release=gchoice.release.label),
            warnings,
            sources,
        )
