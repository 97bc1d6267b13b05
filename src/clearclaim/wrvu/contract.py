"""The wRVU credit contract: how a log line's work RVU becomes credit.

Contracts differ between practices, so the rule is data: a YAML file
(``default_contract.yaml`` ships; ``--contract FILE`` replaces it) read into
:class:`Contract`. The valuation reads only this model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearclaim._yaml import load_yaml
from clearclaim.errors import FieldError

DEFAULT_CONTRACT = Path(__file__).with_name("default_contract.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MultipleProcedure(_Strict):
    enabled: bool = True
    indicators: tuple[str, ...] = ("2", "3")
    primary: float = Field(1.0, ge=0)
    secondary: float = Field(0.5, ge=0)
    exempt_modifiers: tuple[str, ...] = ()


class Contract(_Strict):
    name: str
    description: str = ""
    rate_per_wrvu: float | None = Field(None, ge=0)
    multiple_procedure: MultipleProcedure = MultipleProcedure()
    modifier_credit: dict[str, float] = Field(default_factory=dict)
    other_modifiers: float = Field(1.0, ge=0)
    max_units: int = Field(99, ge=1)
    #: the file it was read from
    path: str = ""

    def credit(self, modifier: str) -> float:
        return self.modifier_credit.get(modifier, self.other_modifiers)


def load_contract(path: str | Path | None = None) -> Contract:
    """The contract in ``path`` (YAML), or the shipped default."""
    if path is None:
        return _default()
    return _read(Path(path))


@lru_cache(maxsize=1)
def _default() -> Contract:
    return _read(DEFAULT_CONTRACT)


def _read(path: Path) -> Contract:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FieldError(f"cannot read the contract: {exc.strerror}", source=str(path)) from exc
    except yaml.YAMLError as exc:
        raise FieldError(f"not valid YAML: {exc}", source=str(path)) from exc
    if not isinstance(data, dict):
        raise FieldError("a contract is a YAML mapping", source=str(path))
    data = {**data, "path": str(path)}
    credits = data.get("modifier_credit") or {}
    if isinstance(credits, dict):
        data["modifier_credit"] = {str(k).upper(): v for k, v in credits.items()}
    try:
        return Contract.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise FieldError(first["msg"], source=str(path), field=where) from None
