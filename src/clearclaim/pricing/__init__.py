"""Pricing: what Medicare pays for a code, where, and the arithmetic behind it.

- :func:`price` / :class:`Pricer`: one code on one date of service, national or in a
  locality (``zip_code`` or ``locality="MAC-LL"``), facility or non-facility by place
  of service; status codes, NA, PC/TC, the OPPS cap, and the OPPS/ASC facility
  payment for hospital outpatient and ASC places of service.
- :func:`price_claim`: a claim's lines with the multiple procedure reductions.
- :func:`fee_schedule` / :func:`export_fee_schedule`: every code in one or all
  localities, vectorised.

The arithmetic, its rounding and its sources are in docs/pricing.md.
"""

from typing import Any

from clearclaim.pricing.claim import price_claim
from clearclaim.pricing.models import (
    ClaimLineInput,
    ClaimLinePrice,
    ClaimPrice,
    FacilityPayment,
    Gpcis,
    Indicator,
    Indicators,
    LocalityInfo,
    PlaceOfService,
    PriceResult,
    Reduction,
    Rvus,
    SettingAmount,
)
from clearclaim.pricing.pfs import Pricer, price, pricer_for

__all__ = [
    "ClaimLineInput",
    "ClaimLinePrice",
    "ClaimPrice",
    "ExportInfo",
    "FacilityPayment",
    "Gpcis",
    "Indicator",
    "Indicators",
    "LocalityInfo",
    "PlaceOfService",
    "PriceResult",
    "Pricer",
    "Reduction",
    "Rvus",
    "SettingAmount",
    "export_fee_schedule",
    "fee_schedule",
    "price",
    "price_claim",
    "pricer_for",
]


# the export needs Polars, which costs a cold start ~0.1 s: imported on first use
_EXPORT = ("ExportInfo", "export_fee_schedule", "fee_schedule")


def __getattr__(name: str) -> Any:
    if name in _EXPORT:
        from clearclaim.pricing import export

        return getattr(export, name)
    raise AttributeError(f"module 'clearclaim.pricing' has no attribute {name!r}")
