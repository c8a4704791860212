"""Pydantic models of a facts file, generated from the vocabulary.

Every fact is optional (absent = unknown = None) except `community.name`.
Types are strict: `"12"` is not a count and `1` is not yes/no.
"""
from __future__ import annotations

import datetime

from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints, create_model, model_validator
from pydantic.config import JsonDict

from .typed import choice_value, choices_value, no_control_characters, typed_value
from .vocabulary import CHANNELS, FACTS, SECTIONS, Fact

MAX_TEXT = 2000
MAX_COUNT = 10**9
MAX_NUMBER = 1e9

STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


def annotation(fact: Fact) -> Any:
    """The Python type of one fact's value, accepting values as people type them (facts/typed.py)."""
    base = _annotation(fact)
    if fact.kind in ("bool", "count", "number", "amount", "share", "stage"):
        kind = fact.kind
        return Annotated[base, BeforeValidator(lambda value: typed_value(kind, value))]
    if fact.kind == "enum":
        return Annotated[base, BeforeValidator(lambda value: choice_value(fact.values, fact.values_zh, value))]
    if fact.kind == "enumlist":
        return Annotated[base, BeforeValidator(lambda value: choices_value(fact.values, fact.values_zh, value))]
    return base


def _annotation(fact: Fact) -> Any:
    kind = fact.kind
    if kind == "text":
        return Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT),
                         AfterValidator(no_control_characters)]
    if kind == "bool":
        return StrictBool
    if kind == "count":
        return Annotated[int, Field(ge=fact.minimum, le=MAX_COUNT)]
    if kind in ("number", "amount"):
        return Annotated[float, Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)]
    if kind == "share":
        return Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
    if kind == "stage":
        return Annotated[int, Field(ge=1, le=5)]
    if kind == "enum":
        return _literal(fact.values)
    if kind == "enumlist":
        listed = _literal(fact.values)       # a type made at run time, which mypy cannot follow
        return Annotated[list[listed], Field(max_length=len(fact.values))]  # type: ignore[valid-type]
    raise ValueError(f"unknown fact kind {kind!r}")


def _literal(values: tuple[str, ...]) -> Any:
    """Literal[values] for values known only at run time (a static checker cannot read them)."""
    return Literal.__getitem__(values)


def _field(fact: Fact) -> tuple[Any, Any]:
    extra: JsonDict = {"unit": fact.unit, "question": fact.question}
    if fact.doc:
        extra["doc"] = fact.doc
    if fact.required:
        return (annotation(fact), Field(..., description=fact.meaning, json_schema_extra=extra))
    return (Optional[annotation(fact)], Field(None, description=fact.meaning, json_schema_extra=extra))


def _section_model(section: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for fact in FACTS:
        if fact.section != section or fact.derived:
            continue
        if "." in fact.key:                       # traffic.source_shares.<channel>
            group, key = fact.key.split(".", 1)
            nested.setdefault(group, {})[key] = _field(fact)
        else:
            fields[fact.key] = _field(fact)
    for group, sub in nested.items():
        sub_model = create_model(f"{section.title()}{group.title().replace('_', '')}", __config__=STRICT, **sub)
        fields[group] = (Optional[sub_model], Field(None, description=f"{group.replace('_', ' ')}: map of channel to share ({', '.join(CHANNELS)})"))
    return create_model(f"{section.title()}Facts", __config__=STRICT, **fields)


SECTION_MODELS: dict[str, type[BaseModel]] = {s: _section_model(s) for s in SECTIONS}


def _register(model: type[BaseModel]) -> None:
    """Name a generated model in this module, as pickle finds classes: Facts then travel to
    worker processes (Engine.evaluate_many(jobs=N), Dask) like any other value."""
    for field in model.model_fields.values():
        inner = [a for a in getattr(field.annotation, "__args__", (field.annotation,)) if isinstance(a, type)]
        for sub in inner:
            if issubclass(sub, BaseModel) and sub.__module__ == __name__:
                _register(sub)
    globals().setdefault(model.__name__, model)


for _model in SECTION_MODELS.values():
    _register(_model)


def cross_problems(flat: dict[str, Any]) -> list[tuple[str, str]]:
    """Facts that contradict each other, as (dotted path, message)."""
    out: list[tuple[str, str]] = []
    members = flat.get("size.members")
    if isinstance(members, int) and not isinstance(members, bool):
        for name in ("size.active_members_7d", "size.paying_members"):
            value = flat.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value > members:
                out.append((name, f"{value} is more than size.members ({members})"))
    shares = [flat.get(f"traffic.source_shares.{c}") for c in CHANNELS]
    total = sum(v for v in shares if isinstance(v, (int, float)) and not isinstance(v, bool))
    if total > 1.01:
        out.append(("traffic.source_shares", f"shares add up to {total:.2f}, more than 1"))
    return out


class _CrossFacts(ValueError):
    """Facts that contradict each other, each with its dotted path: control flow from the model's
    own check to the loader (facts/loader.py reads `problems`), never seen by callers."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in problems))
        self.problems = problems


class Waiver(BaseModel):
    """A finding the team has accepted, with the reason and an optional expiry date."""
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    rule: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=MAX_TEXT)
    expires: Optional[datetime.date] = None


class _Root(BaseModel):
    model_config = STRICT

    provenance: Optional[dict[str, Any]] = Field(None, description="where measured facts came from (shequn facts extract)")
    waivers: Optional[list[Annotated[Waiver, Field(strict=False)]]] = Field(None, description="findings the team has accepted")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = cross_problems(self.flat(derived=False))
        if problems:
            raise _CrossFacts(problems)
        return self

    def flat(self, derived: bool = True) -> dict[str, Any]:
        """Known facts as {dotted name: value}; derived facts included by default."""
        out: dict[str, Any] = {}
        fields = self.__dict__
        for section, names in _DOTTED.items():
            part = fields.get(section)
            if part is None:
                continue
            for key, value in part.__dict__.items():          # the model's fields in order, read directly (hot path)
                if value is None:
                    continue
                if isinstance(value, BaseModel):
                    for sub, v in value.__dict__.items():
                        if v is not None:
                            out[f"{section}.{key}.{sub}"] = v
                else:
                    out[names[key]] = value
        _complete_distribution(out)
        if derived:
            out.update(derive(out))
        return out


# "section.key" for every field of every section model, made once
_DOTTED: dict[str, dict[str, str]] = {s: {k: f"{s}.{k}" for k in SECTION_MODELS[s].model_fields} for s in SECTIONS}


def _complete_distribution(flat: dict[str, Any]) -> None:
    """Source shares that add up to 1 are a whole distribution: unnamed channels are 0."""
    given = [c for c in CHANNELS if f"traffic.source_shares.{c}" in flat]
    if given and abs(sum(flat[f"traffic.source_shares.{c}"] for c in given) - 1) <= 0.01:
        for c in CHANNELS:
            flat.setdefault(f"traffic.source_shares.{c}", 0.0)


def _ratio(flat: dict[str, Any], top: str, bottom: str) -> float | None:
    a, b = flat.get(top), flat.get(bottom)
    if a is None or not b:          # unknown, or nothing to divide by
        return None
    ratio: float = round(a / b, 6)
    return ratio


def derive(flat: dict[str, Any]) -> dict[str, Any]:
    """The derived facts (vocabulary rows with `derived_from`) that can be computed from `flat`."""
    values = {
        "size.active_share_7d": _ratio(flat, "size.active_members_7d", "size.members"),
        "size.paying_share": _ratio(flat, "size.paying_members", "size.members"),
        "governance.members_per_admin": _ratio(flat, "size.members", "governance.admins"),
        "offer.price_per_lecture_yuan": _ratio(flat, "offer.price_yuan", "offer.lectures"),
    }
    rf, gt = flat.get("traffic.source_shares.relatives_friends"), flat.get("traffic.source_shares.general_traffic")
    values["traffic.imprecise_share"] = None if rf is None or gt is None else round(min(rf + gt, 1.0), 6)
    return {k: v for k, v in values.items() if v is not None}


if TYPE_CHECKING:
    # What a static checker sees: the sections are generated from the vocabulary
    # at run time, so their facts are typed Any here (tests pin the section names).
    class Section(BaseModel):
        def __getattr__(self, key: str) -> Any: ...

    class Facts(_Root):
        """The facts about one community. Absent facts are unknown."""
        community: Section
        size: Section
        positioning: Section
        traffic: Section
        governance: Section
        leadership: Section
        content: Section
        ads: Section
        engagement: Section
        activities: Section
        retention: Section
        conversion: Section
        offer: Section
        culture: Section
else:
    Facts = create_model(
        "Facts",
        __base__=_Root,
        __doc__="The facts about one community. Absent facts are unknown.",
        community=(SECTION_MODELS["community"], Field(..., description="the community itself")),
        **{s: (SECTION_MODELS[s], Field(default_factory=SECTION_MODELS[s])) for s in SECTIONS if s != "community"},
    )
