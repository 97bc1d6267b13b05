"""Physician fee schedule pricing: what Medicare pays for one code, and why.

The arithmetic is the CMS readme's (RVU25D, "The formula for ... physician fee
schedule payment amount")::

    amount = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF

with the facility or non-facility PE RVU by place of service, the GPCIs of the
locality (1 for national) and the conversion factor of the RVU release in
force on the date of service. Every stored number is read back as the decimal
it was written as (``Decimal(repr(float))``), the products are exact, and the
only rounding is the last one: half up to the cent. That reproduces, to the
cent, every amount CMS itself computed in the shipped OPPSCAP files (see
docs/pricing.md), while rounding the adjusted RVUs first does not.

Status codes, NA indicators, the PC/TC indicator and the OPPS imaging cap
(Deficit Reduction Act 2005, section 5102(b)) are honoured; the facility's own
payment (OPPS / ASC) is in :mod:`clearclaim.pricing.facility`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TypeVar

from clearclaim.errors import (
    FieldError,
    InvalidModifierError,
    ReleaseError,
    UnknownCodeError,
)
from clearclaim.knowledge import indicator_label
from clearclaim.lookalike import lookalikes
from clearclaim.models import DataCoverage, DataWarning, Source
from clearclaim.pricing.facility import facility_payment
from clearclaim.pricing.localities import (
    LocalityResolver,
    ResolvedLocality,
    release_source,
    to_decimal,
)
from clearclaim.pricing.models import (
    Gpcis,
    Indicator,
    Indicators,
    PlaceOfService,
    PriceResult,
    Rvus,
    Setting,
    SettingAmount,
    fixed_places,
)
from clearclaim.pricing.rules import payment_rules
from clearclaim.store import ReleaseChoice, Store
from clearclaim.store.queries import pricing as queries
from clearclaim.store.queries.pricing import RVU_COLUMNS

T = TypeVar("T")
CENT = Decimal("0.01")
ZERO = Decimal(0)
SETTINGS: tuple[Setting, ...] = ("non_facility", "facility")
SETTING_WORDS = {"non_facility": "non-facility", "facility": "facility"}
#: the modifiers that split a diagnostic test into its components (RVU25D, "Modifier")
COMPONENT_MODIFIERS = ("26", "TC")

README_SOURCE = Source(
    kind="policy",
    title=(
        "PFS Relative Value File readme (RVU25D): payment formula, status codes, "
        "PC/TC indicator, OPPS cap"
    ),
    file="data/cms/pfs/RVU25D.txt",
    url="https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files",
)


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent (CMS amounts are dollars and cents; see docs/pricing.md)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A decimal in plain notation, without an exponent or trailing zeros."""
    text = format(value.normalize(), "f")
    return text


def money(value: Decimal) -> str:
    return f"${value:,.2f}"


def parse_day(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise FieldError(
            f"{value!r} is not a date", field="date", value=str(value), hint="use YYYY-MM-DD"
        ) from exc


def normalise_code(code: str) -> str:
    text = (code or "").strip().upper()
    if not text:
        raise FieldError("no code given", field="code")
    return text


def normalise_modifier(modifier: str | None) -> str:
    return (modifier or "").strip().upper().lstrip("-")


@dataclass(frozen=True)
class RvuRow:
    """One HCPCS + modifier row of the PFS relative value file, as exact decimals."""

    hcpcs: str
    modifier: str
    description: str | None
    status: str
    work: Decimal
    pe_non_facility: Decimal
    na_non_facility: bool
    pe_facility: Decimal
    na_facility: bool
    mp: Decimal
    pctc: str | None
    global_days: str | None
    mult_proc: str | None
    imaging_family: str | None
    supervision: str | None
    cf: Decimal | None
    opps_pe_non_facility: Decimal
    opps_pe_facility: Decimal
    opps_mp: Decimal

    def pe(self, setting: Setting) -> Decimal:
        return self.pe_facility if setting == "facility" else self.pe_non_facility

    def na(self, setting: Setting) -> bool:
        return self.na_facility if setting == "facility" else self.na_non_facility

    def opps_pe(self, setting: Setting) -> Decimal:
        return self.opps_pe_facility if setting == "facility" else self.opps_pe_non_facility

    @classmethod
    def from_db(cls, hcpcs: str, values: tuple[object, ...]) -> RvuRow:
        v = dict(zip(RVU_COLUMNS, values, strict=True))

        def num(name: str) -> Decimal:
            return to_decimal(v[name]) or ZERO

        def text(name: str) -> str | None:
            raw = v[name]
            return str(raw).strip() if raw not in (None, "") else None

        return cls(
            hcpcs=hcpcs,
            modifier=str(v["modifier"] or ""),
            description=text("description"),
            status=(text("status_code") or "").upper(),
            work=num("work_rvu"),
            pe_non_facility=num("pe_rvu_non_facility"),
            na_non_facility=(text("na_non_facility") or "").upper() == "NA",
            pe_facility=num("pe_rvu_facility"),
            na_facility=(text("na_facility") or "").upper() == "NA",
            mp=num("mp_rvu"),
            pctc=text("pctc_indicator"),
            global_days=text("global_days"),
            mult_proc=text("mult_proc"),
            imaging_family=text("imaging_family"),
            supervision=text("supervision"),
            cf=to_decimal(v["conversion_factor"]) or None,
            opps_pe_non_facility=num("opps_pe_non_facility"),
            opps_pe_facility=num("opps_pe_facility"),
            opps_mp=num("opps_mp"),
        )


@dataclass(frozen=True)
class _CapTable:
    prices: dict[tuple[str, str, str, str], tuple[Decimal | None, Decimal | None]]
    localities: frozenset[tuple[str, str]]


@lru_cache(maxsize=512)
def _indicator(family: str, code: str | None) -> Indicator:
    if code is None:
        return Indicator(code=None)
    rules = payment_rules()
    if family == "mult_proc":
        return Indicator(code=code, label=rules.mult_proc.get(code))
    if family == "imaging_family":
        return Indicator(code=code, label=rules.imaging_family.get(code))
    found = indicator_label(family, code)  # type: ignore[arg-type]
    if found is None:
        return Indicator(code=code)
    return Indicator(code=found.code, label=found.label, meaning=found.meaning)


class Pricer:
    """Prices codes from one store, caching release choices, GPCIs and RVU rows.

    Make one per store and reuse it (a warm ``price`` call is a dictionary look-up
    or two plus the arithmetic). After importing new releases, make a new one.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.localities = LocalityResolver(store)
        self._rows: dict[tuple[str, str], dict[str, RvuRow]] = {}
        self._codes: dict[str, list[str]] = {}
        self._caps: dict[str, _CapTable] = {}
        self._pos: dict[str, dict[str, PlaceOfService]] = {}
        self._cf_history: list[tuple[date, date, Decimal, int]] | None = None
        self._coverage: dict[tuple[date, bool, bool, str], list[DataCoverage]] = {}
        self._oldest_pfs: date | None = None

    # -- look-ups (cached) ---------------------------------------------------

    def choice(self, family: str, day: date) -> ReleaseChoice:
        return self.localities.choice(family, day)

    def pfs_choice(self, day: date) -> ReleaseChoice:
        """The RVU release for ``day``; a date before the oldest loaded one is an input error."""
        if self._oldest_pfs is None:
            releases = self.store.releases("pfs_rvu")
            if not releases:
                raise ReleaseError(
                    "no PFS relative value file is loaded",
                    hint="run 'clearclaim data import' with a CMS RVU release",
                )
            self._oldest_pfs = min(r.effective_start for r in releases)
        if day < self._oldest_pfs:
            raise FieldError(
                f"{day.isoformat()} is before the oldest PFS release loaded "
                f"(effective {self._oldest_pfs.isoformat()})",
                field="date",
                value=day.isoformat(),
                hint="import an older CMS RVU release to price earlier dates",
            )
        return self.choice("pfs_rvu", day)

    def rows(self, choice: ReleaseChoice, code: str) -> dict[str, RvuRow]:
        key = (choice.key, code)
        found = self._rows.get(key)
        if found is None:
            if len(self._rows) > 200_000:  # bound memory in long-running processes
                self._rows.clear()
            fetched = queries.rvu_rows(self.store, choice, code)
            found = {}
            for values in fetched:
                row = RvuRow.from_db(code, tuple(values))
                found[row.modifier] = row
            self._rows[key] = found
        return found

    def codes(self, choice: ReleaseChoice) -> list[str]:
        found = self._codes.get(choice.key)
        if found is None:
            found = queries.rvu_codes(self.store, choice)
            self._codes[choice.key] = found
        return found

    def place_of_service(self, pos: str, day: date) -> tuple[PlaceOfService, ReleaseChoice]:
        code = (pos or "").strip()
        if code.isdigit() and len(code) <= 2:
            code = code.zfill(2)
        choice = self.choice("place_of_service", day)
        table = self._pos.get(choice.key)
        if table is None:
            table = {
                r[0]: PlaceOfService(code=r[0], name=r[2] or "", pos_type=r[1] or "")
                for r in queries.places_of_service(self.store, choice)
            }
            self._pos[choice.key] = table
        found = table.get(code)
        if found is None or found.pos_type not in ("Facility", "Non-Facility"):
            known = "unassigned" if found else "unknown"
            raise FieldError(
                f"place of service {pos!r} is {known} in the place of service code set "
                f"{choice.release.label}",
                field="pos",
                value=pos,
                hint="e.g. 11 office, 19/22 hospital outpatient, 21 inpatient, 24 ASC",
            )
        return found, choice

    def cap_table(self, choice: ReleaseChoice) -> _CapTable:
        found = self._caps.get(choice.key)
        if found is None:
            prices: dict[tuple[str, str, str, str], tuple[Decimal | None, Decimal | None]] = {}
            localities: set[tuple[str, str]] = set()
            for hcpcs, mod, carrier, loc, fac, nonfac in queries.oppscap_rows(self.store, choice):
                prices[(hcpcs, mod or "", carrier, loc)] = (to_decimal(fac), to_decimal(nonfac))
                localities.add((carrier, loc))
            found = _CapTable(prices, frozenset(localities))
            self._caps[choice.key] = found
        return found

    def cf_history(self, day: date) -> tuple[Decimal, int] | None:
        if self._cf_history is None:
            rows = queries.conversion_factor_history(self.store)
            history = []
            for cf_row in rows:
                value = to_decimal(cf_row.conversion_factor)
                if value is None:
                    continue
                try:
                    starts = date.fromisoformat(cf_row.date_start)
                    ends = date.fromisoformat(cf_row.date_end)
                except (TypeError, ValueError):
                    continue
                history.append((starts, ends, value, cf_row.release_id))
            self._cf_history = history
        for start, end, value, key in reversed(self._cf_history):
            if start <= day <= end:
                return value, key
        return None

    # -- pricing ---------------------------------------------------------------

    def price(
        self,
        code: str,
        *,
        modifier: str | None = None,
        date_of_service: date | str,
        zip_code: str | None = None,
        locality: str | None = None,
        pos: str = "11",
    ) -> PriceResult:
        day = parse_day(date_of_service)
        code = normalise_code(code)
        mod = normalise_modifier(modifier)
        pfs = self.pfs_choice(day)
        rows = self.rows(pfs, code)
        if not rows:
            raise self._unknown_code(code, pfs, day)
        row = self._row_for(code, mod, rows, pfs)
        place, pos_choice = self.place_of_service(pos, day)
        setting: Setting = "facility" if place.pos_type == "Facility" else "non_facility"
        where = self.localities.resolve(day, zip_code=zip_code, locality=locality)

        warnings: list[DataWarning] = []
        if pfs.warning:
            warnings.append(pfs.warning)
        warnings.extend(where.warnings)
        if pos_choice.warning:
            warnings.append(pos_choice.warning)
        sources = [release_source(pfs, row=f"{code}{'-' + mod if mod else ''}"), *where.sources]
        sources.append(release_source(pos_choice, row=place.code))
        cf = self._conversion_factor(row, day, pfs, warnings, sources)

        amounts = {
            s: self._setting_amount(row, where, cf, s, day, warnings, sources) for s in SETTINGS
        }
        chosen = amounts[setting]
        rules = payment_rules()
        status_rule = rules.status_payment.get(row.status)
        if status_rule and status_rule.note and chosen.amount is not None:
            warnings.append(DataWarning(code="status_note", message=status_rule.note))
        pctc_note = rules.pctc_notes.get(row.pctc or "")
        if setting == "facility" and pctc_note and pctc_note.facility:
            warnings.append(DataWarning(code="pctc_setting", message=pctc_note.facility))

        fac, fac_warnings, fac_sources = facility_payment(self.localities, code, day, place.code)
        warnings.extend(fac_warnings)
        sources.extend(fac_sources)
        sources.append(README_SOURCE)

        pe = row.pe(setting)
        return PriceResult(
            code=code,
            modifier=mod or None,
            description=row.description,
            date_of_service=day,
            release=pfs.release.label,
            release_effective=(pfs.release.effective_start, pfs.release.effective_end),
            locality=where.locality,
            pos=place,
            setting=setting,
            status_code=row.status or None,
            rvu=Rvus(work=row.work, pe=pe, mp=row.mp, total=row.work + pe + row.mp),
            gpci=where.gpci,
            conversion_factor=cf,
            amount=chosen.amount,
            reason=chosen.reason,
            opps_cap_applied=chosen.opps_cap_applied,
            amounts=amounts,
            facility_payment=fac,
            indicators=Indicators(
                status=_indicator("status", row.status or None),
                pctc=_indicator("pctc", row.pctc),
                global_days=_indicator("global_days", row.global_days),
                mult_proc=_indicator("mult_proc", row.mult_proc),
                imaging_family=_indicator("imaging_family", row.imaging_family),
                supervision=_indicator("supervision", row.supervision),
            ),
            arithmetic=self._arithmetic(row, where.gpci, cf, setting, chosen),
            warnings=_unique(warnings),
            sources=_unique(sources),
            data_coverage=self.coverage(day, zip_code=zip_code, locality=locality, pos=place.code),
        )

    def coverage(
        self,
        day: date,
        *,
        zip_code: str | None = None,
        locality: str | None = None,
        pos: str = "11",
    ) -> list[DataCoverage]:
        """One entry per data family a price on ``day`` uses (see Store.coverage)."""
        facility = payment_rules().facility_system_for(pos)
        key = (
            day,
            bool(zip_code),
            bool(zip_code or locality),
            facility[1].family if facility else "",
        )
        found = self._coverage.get(key)
        if found is None:
            families = ["pfs_rvu", "place_of_service"]
            if zip_code:
                families.append("zip_locality")
            if zip_code or locality:
                families += ["gpci", "oppscap"]
            if facility is not None:
                families.append(facility[1].family)
            if len(self._coverage) > 100_000:  # one entry per day and kind of place: bound it
                self._coverage.clear()
            found = self._coverage[key] = [self.store.coverage(f, day) for f in families]
        return list(found)

    # -- pieces ----------------------------------------------------------------

    def deletion(self, code: str) -> date | None:
        """The day ``code`` was deleted, from the loaded CMS files: every NCCI PTP edit
        naming it has ended (the newest release of each PTP table), so it was deleted
        the day after the last one ended. None when the files do not say."""
        choices = []
        for family in ("ptp_practitioner", "ptp_outpatient_hospital"):
            releases = self.store.releases(family)
            if releases:
                newest = max(releases, key=lambda r: (r.effective_start, r.imported_at))
                choices.append(self.choice(family, newest.effective_start))
        count, last, still_open = queries.ptp_deletion(self.store, choices, code)
        if not count or still_open or last is None:
            return None
        return date.fromisoformat(last) + timedelta(days=1)

    def _unknown_code(
        self, code: str, pfs: ReleaseChoice, day: date
    ) -> UnknownCodeError | FieldError:
        deleted = self.deletion(code)
        if deleted is not None and deleted <= day:
            successor = payment_rules().successors.get(code)
            instead = f", use {successor.code}" if successor else ""
            return FieldError(
                f"{code} was deleted on {deleted.isoformat()}{instead} (date of service "
                f"{day.isoformat()})",
                field="code",
                value=code,
                hint=(
                    f"every NCCI PTP edit naming {code} ends {(deleted - timedelta(days=1))}"
                    + (f"; {successor.citation}" if successor else "")
                ),
            )
        closest = closest_codes(code, self.codes(pfs))
        error = UnknownCodeError(
            code,
            closest=closest,
            where=f"in the PFS relative value file {pfs.release.label} (for {day.isoformat()})",
        )
        elsewhere = queries.releases_with_code(self.store, code)
        if elsewhere:
            labels = [r[0] for r in elsewhere]
            span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
            found_in = f"{code} is in {span}: check the date of service"
            error.hint = f"{found_in}; {error.hint}" if error.hint else found_in
        return error

    def _row_for(self, code: str, mod: str, rows: dict[str, RvuRow], pfs: ReleaseChoice) -> RvuRow:
        row = rows.get(mod)
        if row is not None:
            return row
        label = pfs.release.label
        available = ", ".join(f"-{m}" if m else "global (no modifier)" for m in sorted(rows))
        # the global row's indicator governs which components exist
        pctc = (rows.get("") or next(iter(rows.values()))).pctc
        words = _indicator("pctc", pctc)
        because = f"PC/TC indicator {pctc}" + (
            f" ({words.label}: {words.meaning})" if words.label else ""
        )
        if not mod:
            message = f"{code} has no global row in {label}: it is priced only with a modifier"
        elif mod in COMPONENT_MODIFIERS:
            message = f"modifier {mod} is not valid with {code}: {because}"
        else:
            message = (
                f"modifier {mod} has no row of its own for {code} in {label}, so it does not "
                "change the fee schedule amount; price the code without it"
            )
        return_hint = f"rows for {code} in {label}: {available}"
        raise InvalidModifierError(message, hint=return_hint)

    def _conversion_factor(
        self,
        row: RvuRow,
        day: date,
        pfs: ReleaseChoice,
        warnings: list[DataWarning],
        sources: list[Source],
    ) -> Decimal:
        history = self.cf_history(day)
        if row.cf is not None:
            if history is not None and history[0] != row.cf:
                warnings.append(
                    DataWarning(
                        code="conversion_factor_differs",
                        family="conversion_factor",
                        message=(
                            f"the conversion factor of {pfs.release.label} ({plain(row.cf)}) "
                            f"differs from the conversion factor history for "
                            f"{day.isoformat()} ({plain(history[0])}); the RVU file's is used"
                        ),
                    )
                )
            return row.cf
        if history is None:
            raise ReleaseError(
                f"no conversion factor for {day.isoformat()}: {pfs.release.label} has none "
                f"for {row.hcpcs} and the conversion factor history does not cover the date",
                hint="import the CMS conversion factor history or an RVU file with CONV FACTOR",
            )
        warnings.append(
            DataWarning(
                code="conversion_factor_history",
                family="conversion_factor",
                message=(
                    f"{pfs.release.label} has no conversion factor for {row.hcpcs}; the "
                    f"conversion factor history's {plain(history[0])} is used"
                ),
            )
        )
        info = next(
            (r for r in self.store.releases("conversion_factor") if r.release_id == history[1]),
            None,
        )
        if info is not None:
            sources.append(
                Source(
                    kind="cms_file",
                    title="conversion factor history",
                    release=info.label,
                    file=info.source_name,
                    row=day.isoformat(),
                )
            )
        return history[0]

    def _setting_amount(
        self,
        row: RvuRow,
        where: ResolvedLocality,
        cf: Decimal,
        setting: Setting,
        day: date,
        warnings: list[DataWarning],
        sources: list[Source],
    ) -> SettingAmount:
        rule = payment_rules().status_payment.get(row.status)
        if rule is None or rule.paid is False:
            return SettingAmount(amount=None, reason=_status_reason(row.status))
        if row.na(setting):
            return SettingAmount(amount=None, reason=_na_reason(row, setting))
        g = where.gpci
        exact = (row.work * g.work + row.pe(setting) * g.pe + row.mp * g.mp) * cf
        if rule.paid == "when_rvus" and cents(exact) == 0:
            return SettingAmount(
                amount=None,
                reason=f"{_status_reason(row.status)} The file gives no RVUs: the MAC prices it.",
            )
        pfs_amount = cents(exact)
        cap = self._opps_cap(row, where, cf, setting, day, warnings, sources)
        if cap is None:
            return SettingAmount(
                amount=pfs_amount,
                pfs_amount=pfs_amount,
                pfs_exact=plain(exact),
                **_participation(pfs_amount),
            )
        cap_amount, cap_source = cap
        applied = cap_amount < pfs_amount
        paid = cap_amount if applied else pfs_amount
        return SettingAmount(
            amount=paid,
            **_participation(paid),
            pfs_amount=pfs_amount,
            pfs_exact=plain(exact),
            opps_cap_amount=cap_amount,
            opps_cap_source=cap_source,
            opps_cap_applied=applied,
        )

    def _opps_cap(
        self,
        row: RvuRow,
        where: ResolvedLocality,
        cf: Decimal,
        setting: Setting,
        day: date,
        warnings: list[DataWarning],
        sources: list[Source],
    ) -> tuple[Decimal, str] | None:
        """The OPPS-based cap for the row in this locality and setting, if one applies.

        The OPPSCAP file of the date's release is authoritative where it lists the
        locality: a row there is the capped amount, and no row means no cap. For
        national amounts, and localities the file lists under another MAC (it puts
        the southern California localities under 01112), the readme's OPPS payment
        formula over the RVU file's OPPS PE/MP columns gives the same amounts (it
        reproduces every capped amount in the shipped OPPSCAP files to the cent).
        """
        loc = where.locality
        opps_pe = row.opps_pe(setting)
        has_columns = opps_pe > 0 or row.opps_mp > 0
        if not loc.national:
            try:
                choice: ReleaseChoice | None = self.choice("oppscap", day)
            except ReleaseError:
                choice = None
            if choice is not None:
                table = self.cap_table(choice)
                hit = table.prices.get((row.hcpcs, row.modifier, loc.mac, loc.number))
                if (hit is not None or has_columns) and choice.warning:
                    warnings.append(choice.warning)
                if hit is not None:
                    price = hit[0] if setting == "facility" else hit[1]
                    key = f"{row.hcpcs}{'-' + row.modifier if row.modifier else ''} {loc.key}"
                    sources.append(release_source(choice, row=key))
                    if price is None or price <= 0:
                        return None
                    return price, f"OPPSCAP file {choice.release.label}"
                if (loc.mac, loc.number) in table.localities:
                    return None
        if not has_columns:
            return None
        g = where.gpci
        exact = (row.work * g.work + opps_pe * g.pe + row.opps_mp * g.mp) * cf
        return cents(exact), "OPPS PE and MP RVUs of the RVU file (readme OPPS formula)"

    def _arithmetic(
        self, row: RvuRow, g: Gpcis, cf: Decimal, setting: Setting, chosen: SettingAmount
    ) -> list[str]:
        pe = row.pe(setting)
        adjusted = row.work * g.work + pe * g.pe + row.mp * g.mp
        words = SETTING_WORDS[setting]
        lines = [
            f"{words}: (work {fmt_rvu(row.work)} x {fmt_gpci(g.work)} + PE {fmt_rvu(pe)} x "
            f"{fmt_gpci(g.pe)} + MP {fmt_rvu(row.mp)} x {fmt_gpci(g.mp)}) x CF {plain(cf)}",
            f"  = {plain(adjusted)} x {plain(cf)} = {plain(adjusted * cf)}",
        ]
        if chosen.pfs_amount is not None:
            lines.append(
                f"  = {money(chosen.pfs_amount)} (rounded half up to the cent, at the end)"
            )
        if chosen.opps_cap_amount is not None:
            relation = "<" if chosen.opps_cap_applied else ">="
            outcome = "the cap is paid" if chosen.opps_cap_applied else "the PFS amount is paid"
            lines.append(
                f"OPPS cap ({chosen.opps_cap_source}): {money(chosen.opps_cap_amount)} {relation} "
                f"{money(chosen.pfs_amount or ZERO)}: {outcome}"
            )
        if chosen.amount is None:
            lines.append(f"no amount: {chosen.reason}")
        return lines


def fmt_gpci(value: Decimal) -> str:
    return fixed_places(value, 3)


def fmt_rvu(value: Decimal) -> str:
    return fixed_places(value, 2)


def closest_codes(code: str, codes: list[str], n: int = 5) -> list[str]:
    """Codes that look like ``code`` (see :func:`clearclaim.lookalike.lookalikes`)."""
    return lookalikes(code, codes, n)


def _status_reason(status: str) -> str:
    words = _indicator("status", status or None)
    if words.label:
        return f"status {status} ({words.label}): {words.meaning}"
    return f"status {status or '(blank)'}: not paid under the physician fee schedule"


def _na_reason(row: RvuRow, setting: Setting) -> str:
    if setting == "facility" and row.pctc == "1" and row.modifier in ("", "TC"):
        return (
            "NA in the facility setting: for a service in a facility the technical part is "
            "paid to the facility; the physician bills the professional component (-26)"
        )
    other = "facility" if setting == "non_facility" else "non-facility"
    return (
        f"NA: CMS sets no {SETTING_WORDS[setting]} amount for this code (rarely or never "
        f"performed in that setting); see the {other} amount"
    )


def _participation(amount: Decimal) -> dict[str, Decimal]:
    """The non-participating amount and the limiting charge beside the participating
    ``amount`` (payment_rules.yaml, ``participation``): each rounded half up to the
    cent, the limiting charge from the rounded non-participating amount."""
    rule = payment_rules().participation
    non_par = cents(amount * rule.non_participating_percent / 100)
    limiting = cents(non_par * rule.limiting_charge_percent / 100)
    return {"non_participating": non_par, "limiting_charge": limiting}


def _unique(items: list[T]) -> list[T]:
    seen: list[T] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def pricer_for(store: Store) -> Pricer:
    """A shared :class:`Pricer` for ``store`` (its caches reused), renewed when the
    store's releases change."""
    return store.remember(("pricer",), lambda: Pricer(store), lasting=True)


def price(
    store: Store,
    code: str,
    *,
    modifier: str | None = None,
    date_of_service: date | str,
    zip_code: str | None = None,
    locality: str | None = None,
    pos: str = "11",
) -> PriceResult:
    """What Medicare pays under the PFS for ``code`` on ``date_of_service``.

    ``zip_code`` or ``locality`` ("MAC-LL") choose the locality; neither means the
    national amount. ``pos`` (place of service) chooses the facility or
    non-facility setting. Raises :class:`~clearclaim.errors.InputError` subclasses
    for bad input (unknown code, invalid modifier, unknown locality, bad date).
    """
    return pricer_for(store).price(
        code,
        modifier=modifier,
        date_of_service=date_of_service,
        zip_code=zip_code,
        locality=locality,
        pos=pos,
    )
