"""The facility's side of a service done in a hospital outpatient department or an ASC.

Under the PFS the physician is paid the facility amount (facility PE RVUs); the
hospital is paid under the OPPS (Addendum B: status indicator, APC, national
rate) and an ASC under the ASC payment system (Addendum AA: payment indicator,
national rate). Which places of service map to which system is data
(``payment_rules.yaml``). When the addendum is not loaded, or only a release
that starts after the date of service is, the result says so instead of a rate.
"""

from __future__ import annotations

from datetime import date

from clearclaim.errors import ReleaseError
from clearclaim.models import DataWarning, Source
from clearclaim.pricing.localities import LocalityResolver, release_source, to_decimal
from clearclaim.pricing.models import FacilityPayment
from clearclaim.pricing.rules import payment_rules
from clearclaim.store.queries import pricing as queries


def facility_payment(
    resolver: LocalityResolver, code: str, day: date, pos: str
) -> tuple[FacilityPayment | None, list[DataWarning], list[Source]]:
    """The OPPS or ASC payment for ``code`` at place of service ``pos`` (None elsewhere)."""
    found = payment_rules().facility_system_for(pos)
    if found is None:
        return None, [], []
    name, system = found
    try:
        choice = resolver.choice(system.family, day)
    except ReleaseError:
        return (
            FacilityPayment(
                system=name,
                note=(
                    f"{system.title} is not loaded, so the facility payment is not shown; "
                    f"import the CMS {system.title} file with 'clearclaim data import'"
                ),
            ),
            [],
            [],
        )
    warnings: list[DataWarning] = []
    if choice.warning:
        warnings.append(choice.warning)
    label = choice.release.label
    if choice.release.effective_start > day:
        # a rate from a later year would misstate what was paid then: say so instead
        return (
            FacilityPayment(
                system=name,
                release=label,
                note=(
                    f"no {system.title} loaded covers {day.isoformat()}; the nearest "
                    f"({label}) starts {choice.release.effective_start.isoformat()}, after the "
                    "date of service, so no rate is shown"
                ),
            ),
            warnings,
            [],
        )
    if name == "OPPS":
        row = queries.opps_rate(resolver.store, choice, code)
    else:
        row = queries.asc_rate(resolver.store, choice, code)
    if row is None:
        return (
            FacilityPayment(
                system=name,
                release=label,
                note=f"{code} is not in {system.title} {label}: no facility payment listed",
            ),
            warnings,
            [release_source(choice)],
        )
    indicator, apc, rate, weight = row
    rate_value = to_decimal(rate)
    note = system.rate_note
    if rate_value is None:
        note = (
            f"{system.title} lists {code} with indicator {indicator} and no payment rate "
            "(no separate facility payment, e.g. packaged)"
        )
    if not choice.in_force:
        note += f" Nearest release used: {label}."
    return (
        FacilityPayment(
            system=name,
            release=label,
            status_indicator=indicator,
            apc=(str(apc).strip() or None) if apc is not None else None,
            rate=rate_value,
            weight=to_decimal(weight),
            note=note,
        ),
        warnings,
        [release_source(choice, row=code)],
    )
