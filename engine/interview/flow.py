"""The question flow: what is known, what to ask next, what the report says so far.

    state = State.empty("zh")
    block = next_block(engine, state)            # the next few questions, in the report's ranking
    state, errors = answer(state, {"size.members": "1,200", "retention.retention_30d": "不知道"})
    view = overview(engine, evaluate(engine, state), state.lang)

The questions are the report's own (`Report.questions`, ranked by what they
decide: the stage first, then whether rules apply, then the rules they let be
judged), asked a few at a time and ranked again after every block, since an
answer can change what matters next. `community.name`, which every facts
file needs, is asked first when it is missing. "Don't know" is kept in the
state (`skipped`), never in the facts, so the facts file stays a plain
description of the community and the question is not asked again.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, TYPE_CHECKING

import yaml

from shequn.errors import ShequnError
from shequn.facts.loader import FactsError, Problem, validate_facts
from shequn.facts.vocabulary import BY_NAME, FACTS, SECTIONS
from shequn.report.i18n import translate_for
from shequn.report.model import Report
from shequn.report.views import report_view

from shequn.interview.answers import Answer, apply_answers, get_path, remove_path
from shequn.interview.fields import Field, describe
from shequn.interview.text import lang_of

if TYPE_CHECKING:
    from shequn.diagnose.engine import Engine

BLOCK_SIZE = 4                  # questions shown at a time: few enough to answer in a minute
NAME = "community.name"
UNNAMED = {"en": "my community", "zh": "我的社群"}      # evaluated (and written) until the name is given


class StateError(ShequnError, ValueError):
    """A state that is not one this flow wrote (edited by hand, or cut short)."""

    code = "interview-state"


@dataclass(frozen=True)
class State:
    """Everything the flow knows: the facts (the facts file's vocabulary), the facts answered
    "don't know", those measured from a chat export, and the language. It is small and plain,
    so a page can carry it in a hidden field and nothing is kept on a server."""
    facts: dict[str, Any] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    measured: tuple[str, ...] = ()
    lang: str = "en"

    @classmethod
    def empty(cls, lang: str = "en") -> State:
        return cls(lang=lang_of(lang))

    @classmethod
    def of_facts(cls, facts: Mapping[str, Any], lang: str = "en", *, measured: tuple[str, ...] = ()) -> State:
        """A state from a facts mapping, which must be valid (FactsError otherwise)."""
        named = NAME in _flat_names(facts)
        valid = validate_facts(dict(facts) if named else _named(facts, lang))
        data = _without_empty(valid.model_dump(mode="json", exclude_none=True))     # typed: 90% is 0.9
        if not named:
            remove_path(data, NAME)
        if not measured and isinstance(data.get("provenance"), dict):
            how = data["provenance"].get("facts")
            measured = tuple(sorted(k for k in how if k in BY_NAME)) if isinstance(how, dict) else ()
        return cls(facts=data, measured=measured, lang=lang_of(lang))

    def with_lang(self, lang: str) -> State:
        return State(self.facts, self.skipped, self.measured, lang_of(lang))

    def to_json(self) -> str:
        return json.dumps({"v": 1, "facts": self.facts, "skipped": list(self.skipped),
                           "measured": list(self.measured), "lang": self.lang}, ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> State:
        """The state a page posted back; StateError when it is not one, FactsError when its facts are bad."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise StateError("not JSON") from None
        if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("facts"), dict):
            raise StateError("not an interview state")
        names = [data.get("skipped"), data.get("measured")]
        if not all(isinstance(n, list) and all(isinstance(x, str) and x in BY_NAME for x in n) for n in names):
            raise StateError("unknown facts in the state")
        state = cls.of_facts(data["facts"], str(data.get("lang")), measured=tuple(data["measured"]))
        return State(state.facts, tuple(dict.fromkeys(data["skipped"])), state.measured, state.lang)

    def value(self, name: str) -> Any:
        return get_path(self.facts, name)

    def known(self) -> list[str]:
        """The facts given, in the vocabulary's order."""
        names = _flat_names(self.facts)
        return [f.name for f in FACTS if f.name in names]

    def named_facts(self) -> dict[str, Any]:
        """The facts, with a name for the community when none was given yet (every facts file needs one)."""
        return self.facts if self.value(NAME) else _named(self.facts, self.lang)


def _named(facts: Mapping[str, Any], lang: str) -> dict[str, Any]:
    data = copy.deepcopy(dict(facts))
    community = data.get("community")
    data["community"] = {**(community if isinstance(community, dict) else {}), "name": UNNAMED[lang_of(lang)]}
    return data


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    """The model's dump without the sections (and source shares) nobody filled in."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in SECTIONS:
            value = {k: v for k, v in value.items() if v != {}}
            if not value:
                continue
        out[key] = value
    return out


def _flat_names(facts: Mapping[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in facts.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and path in SECTIONS + ("traffic.source_shares",):
            out |= _flat_names(value, path)
        elif value is not None:
            out.add(path)
    return out


# --- the flow -------------------------------------------------------------------

def evaluate(engine: Engine, state: State) -> Report:
    """The report on what is known (in English: translate it to show it)."""
    return engine.evaluate(state.named_facts())


def remaining(state: State, report: Report) -> list[Field]:
    """Every question still worth asking, in the report's ranking, "don't know" ones left out."""
    ranked = [(q.fact, q.decides) for q in report.questions
              if q.fact not in state.skipped and q.fact in BY_NAME and not BY_NAME[q.fact].derived]
    if not state.value(NAME):
        ranked.insert(0, (NAME, "stage"))
    return [describe(name, state.lang, decides=decides) for name, decides in ranked]


def next_block(engine: Engine, state: State, size: int = BLOCK_SIZE, report: Report | None = None) -> list[Field]:
    """The next few questions to ask."""
    return remaining(state, report or evaluate(engine, state))[:size]


def editing(state: State, names: list[str]) -> list[Field]:
    """Questions about facts already known (or skipped), to change an answer: current values filled in."""
    return [describe(n, state.lang, state.value(n), measured=n in state.measured) for n in names if n in BY_NAME
            and not BY_NAME[n].derived]


def answer(state: State, answers: Mapping[str, Answer]) -> tuple[State, dict[str, str]]:
    """The state with `answers` ({fact: as typed}) applied, and the errors by fact, in the state's language."""
    applied = apply_answers(state.facts, answers, state.lang)
    skipped = [n for n in state.skipped if n not in applied.answered] + applied.dont_know
    measured = tuple(n for n in state.measured if n not in applied.answered and n not in applied.dont_know)
    facts = _unmeasured(applied.facts, [n for n in state.measured if n not in measured])
    return State(facts, tuple(dict.fromkeys(skipped)), measured, state.lang), applied.errors


def _unmeasured(facts: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The facts without the export's provenance of `names`, which the operator answered by hand:
    the facts file must not say they were measured."""
    provenance = facts.get("provenance")
    if not isinstance(provenance, dict):
        return facts
    measured = provenance.get("facts")
    if not names or not isinstance(measured, dict) or not any(n in measured for n in names):
        return facts
    kept = {n: how for n, how in measured.items() if n not in names}
    return {**facts, "provenance": {**provenance, "facts": kept}}


def ask_again(state: State, names: list[str]) -> State:
    """Forget "don't know" for `names`: they are asked again."""
    return State(state.facts, tuple(n for n in state.skipped if n not in names), state.measured, state.lang)


# --- what the report says so far --------------------------------------------------

@dataclass(frozen=True)
class Overview:
    """The report in a few lines for the operator: the week's plan first, then the score, the stage, the findings."""
    plan: list[dict[str, Any]]          # {rule, title, why_label, advice, ...} (report/views.py plan_view)
    plan_empty: str                     # what to say when the plan is empty
    score: int | None                   # None: not enough facts yet
    score_text: str
    stage_heading: str
    stage_steps: list[dict[str, Any]]
    to_confirm: list[str]               # questions that would confirm the stage
    findings: int                       # open findings
    view: dict[str, Any]                # the whole report view, for a renderer that shows more
    report: Report                      # the report, translated to the language


def overview(engine: Engine, report: Report, lang: str) -> Overview:
    shown = translate_for(report, lang_of(lang), engine)
    view = report_view(shown, lang_of(lang))
    confirm = [q for c in view["stage"]["to_confirm"] for q in c["questions"]]
    return Overview(plan=view["plan"], plan_empty=view["plan_empty"], score=view["score"],
                    score_text=view["score_text"], stage_heading=view["stage"]["heading"],
                    stage_steps=view["stage"]["steps"], to_confirm=list(dict.fromkeys(confirm)),
                    findings=view["open_count"], view=view, report=shown)


# --- the facts file --------------------------------------------------------------------

HEADER = {"en": "# Facts about one community, written by shequn's interview. Check it with: shequn check FILE\n",
          "zh": "# 一个社群的事实，由 shequn 的问答写出。用 shequn check 文件名 查看诊断。\n"}


def facts_yaml(state: State) -> str:
    """The facts as a facts file (sections and facts in the vocabulary's order), which `shequn check` reads back."""
    data = state.named_facts()
    ordered: dict[str, Any] = {}
    for section in SECTIONS:
        if isinstance(data.get(section), dict) and data[section]:
            ordered[section] = _in_order(section, data[section])
    for key, value in data.items():
        if key not in ordered and key not in SECTIONS and value is not None:
            ordered[key] = value            # provenance, waivers
    return HEADER[lang_of(state.lang)] + yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)


def _in_order(section: str, values: dict[str, Any]) -> dict[str, Any]:
    rank = {f.name: i for i, f in enumerate(FACTS)}

    def key(item: tuple[str, Any]) -> int:
        name = f"{section}.{item[0]}"
        return rank.get(name, rank.get(f"{name}.{next(iter(item[1]), '')}" if isinstance(item[1], dict) else name,
                                        len(rank)))
    return dict(sorted(values.items(), key=key))


def read_facts_text(text: str, file: str = "<facts>") -> dict[str, Any]:
    """A facts file's text (YAML or JSON) as a valid facts mapping; FactsError otherwise."""
    from shequn.facts.loader import read_document
    data, lines = read_document(text, file)
    validate_facts(data, file, lines)
    assert isinstance(data, dict)           # validate_facts refuses anything else
    return data


__all__ = ["BLOCK_SIZE", "FactsError", "Overview", "Problem", "State", "StateError", "answer", "ask_again", "editing",
           "evaluate", "facts_yaml", "next_block", "overview", "read_facts_text", "remaining"]
