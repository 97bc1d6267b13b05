"""The values pricing hands out: what a code pays, where, and why.

Money, RVUs, GPCIs and conversion factors are ``Decimal`` inside (exact
arithmetic from the stored values) and plain JSON numbers outside.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from clearclaim.models import DataCoverage, DataWarning, Source

#: an exact number that serialises to a JSON number (not a string)
Number = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

Setting = Literal["facility", "non_facility"]


def fixed_places(value: Decimal, places: int) -> str:
    """At least ``places`` decimals, as CMS publishes them (RVUs 2, GPCIs 3); never fewer
    than the value has (a longer value is shown whole, not rounded)."""
    text = f"{value:.{places}f}"
    return text if Decimal(text) == value else format(value.normalize(), "f")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class LocalityInfo(_Frozen):
    """The payment locality a price is for. National prices use MAC ``00000``
    locality ``00`` (the PFS Look-up Tool shows national as ``0000000``)."""

    mac: str
    number: str
    name: str
    state: str | None = None
    national: bool = False
    #: how it was chosen: "national", "zip" or "locality"
    chosen_by: Literal["national", "zip", "locality"] = "national"
    zip_code: str | None = None

    @property
    def key(self) -> str:
        return f"{self.mac}-{self.number}"


class PlaceOfService(_Frozen):
    code: str
    name: str
    #: the PFS setting flag of the place of service table ("Facility", "Non-Facility")
    pos_type: str


class Rvus(_Frozen):
    """Unadjusted RVUs of the row priced (PE of the setting)."""

    work: Number
    pe: Number
    mp: Number
    total: Number

    def shown(self) -> dict[str, str]:
        """As CMS publishes RVUs: at least two decimals."""
        return {k: fixed_places(getattr(self, k), 2) for k in ("work", "pe", "mp", "total")}


class Gpcis(_Frozen):
    work: Number
    pe: Number
    mp: Number
    release: str | None = None
    """GPCI release label (``None`` for national: all GPCIs 1)."""

    def shown(self) -> dict[str, str]:
        """As CMS publishes GPCIs: at least three decimals."""
        return {k: fixed_places(getattr(self, k), 3) for k in ("work", "pe", "mp")}


class Indicator(_Frozen):
    """One CMS indicator value of the row, in words."""

    code: str | None
    label: str | None = None
    meaning: str | None = None


class Indicators(_Frozen):
    status: Indicator
    pctc: Indicator
    global_days: Indicator
    mult_proc: Indicator
    imaging_family: Indicator
    supervision: Indicator


class SettingAmount(_Frozen):
    """The fee schedule amount in one setting (facility or non-facility)."""

    amount: Number | None
    reason: str | None = None
    #: PFS amount before the OPPS cap, rounded to the cent
    pfs_amount: Number | None = None
    #: the exact, unrounded PFS amount (for the arithmetic trail)
    pfs_exact: str | None = None
    opps_cap_amount: Number | None = None
    #: "OPPSCAP file" or "RVU file OPPS columns" (readme formula)
    opps_cap_source: str | None = None
    opps_cap_applied: bool = False
    #: what a non-participating physician is paid (95% of ``amount``), as the PFS
    #: Look-up Tool shows it
    non_participating: Number | None = None
    #: the most a non-participating physician may charge (115% of ``non_participating``)
    limiting_charge: Number | None = None


class FacilityPayment(_Frozen):
    """What the facility (hospital outpatient department or ASC) is paid for the code."""

    system: Literal["OPPS", "ASC"]
    release: str | None = None
    status_indicator: str | None = None
    """OPPS status indicator (SI) or ASC payment indicator."""
    apc: str | None = None
    rate: Number | None = None
    weight: Number | None = None
    note: str


class PriceResult(_Frozen):
    """What Medicare pays under the physician fee schedule for one code, and why."""

    code: str
    modifier: str | None
    description: str | None = None
    date_of_service: date
    release: str
    release_effective: tuple[date, date]
    locality: LocalityInfo
    pos: PlaceOfService
    setting: Setting
    status_code: str | None
    rvu: Rvus
    gpci: Gpcis
    conversion_factor: Number
    amount: Number | None
    #: why there is no amount (status code, NA indicator ...)
    reason: str | None = None
    opps_cap_applied: bool = False
    amounts: dict[Setting, SettingAmount]
    facility_payment: FacilityPayment | None = None
    indicators: Indicators
    arithmetic: list[str] = Field(default_factory=list)
    warnings: list[DataWarning] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    #: one entry per data family the price used: the release, its dates, and whether
    #: it is in force on the date, the nearest one, or missing
    data_coverage: list[DataCoverage] = Field(default_factory=list)

    @property
    def non_participating(self) -> Decimal | None:
        return self.amounts[self.setting].non_participating

    @property
    def limiting_charge(self) -> Decimal | None:
        return self.amounts[self.setting].limiting_charge


class ClaimLineInput(BaseModel):
    """One line of a claim to price: code, optional modifier, units."""

    code: str
    modifier: str | None = None
    units: int = Field(default=1, ge=1, le=999)


class Reduction(_Frozen):
    rule_id: str
    rule: str
    component: Literal["whole", "tc", "pc"]
    rank: int
    percent: Number
    base: Number
    """The amount the percentage applies to (line, TC or PC amount)."""
    reduction: Number
    citation: str


class ClaimLinePrice(_Frozen):
    line: int
    unit: int
    code: str
    modifier: str | None
    fee_schedule_amount: Number | None
    allowed: Number | None
    reductions: list[Reduction] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    price: PriceResult


class ClaimPrice(_Frozen):
    date_of_service: date
    locality: LocalityInfo
    pos: PlaceOfService
    setting: Setting
    lines: list[ClaimLinePrice]
    total: Number
    notes: list[str] = Field(default_factory=list)
    warnings: list[DataWarning] = Field(default_factory=list)
    #: every data family any line used, once (see PriceResult.data_coverage)
    data_coverage: list[DataCoverage] = Field(default_factory=list)
