"""Answers as typed, read by the facts model's own parser and checked by its own validation.

An answer is the text an operator typed or chose (a list for checkboxes). It
is never parsed here: it is put into the facts and `validate_facts` reads it
with the vocabulary's tolerant parser (facts/typed.py: 是/否, 有/没有,
1,200, 90%, 0.9, 微信) and checks it, exactly as a facts file would be. What
comes back is the typed value, or the field's error in the page's language.
"""
from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

from shequn.facts.loader import FactsError, Problem, validate_facts
from shequn.facts.model import MAX_TEXT
from shequn.facts.vocabulary import BY_NAME, Fact

from shequn.interview.fields import NEEDED, options_of
from shequn.interview.text import say

DONT_KNOW_WORDS = frozenset({"?", "不知道", "不清楚", "don't know", "dont know", "unknown", "dk"})


class DontKnow:
    """The answer "don't know": the fact stays unknown, and is not asked again."""

    def __repr__(self) -> str:
        return "DONT_KNOW"


DONT_KNOW = DontKnow()

Answer = str | list[str]


def is_dont_know(answer: Answer) -> bool:
    return isinstance(answer, str) and unicodedata.normalize("NFKC", answer).strip().lower() in DONT_KNOW_WORDS


def is_blank(answer: Answer) -> bool:
    """Nothing typed: the question stays open. A list is always an answer (the empty one: none of these)."""
    return isinstance(answer, str) and not answer.strip()


def get_path(facts: Mapping[str, Any], name: str) -> Any:
    node: Any = facts
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def set_path(facts: dict[str, Any], name: str, value: Any) -> None:
    parts = name.split(".")
    node = facts
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def remove_path(facts: dict[str, Any], name: str) -> None:
    parts = name.split(".")
    nodes = [facts]
    for part in parts[:-1]:
        child = nodes[-1].get(part)
        if not isinstance(child, dict):
            return
        nodes.append(child)
    nodes[-1].pop(parts[-1], None)
    for node, part in zip(reversed(nodes[:-1]), reversed(parts[:-1])):   # drop sections left empty
        if node.get(part) == {}:
            node.pop(part)


@dataclass(frozen=True)
class Applied:
    """What a block of answers did: the new facts, the facts now skipped, and errors by fact."""
    facts: dict[str, Any]
    dont_know: list[str]
    errors: dict[str, str]
    answered: list[str]


def apply_answers(facts: Mapping[str, Any], answers: Mapping[str, Answer], lang: str) -> Applied:
    """Put `answers` ({fact: text or list}) into a copy of `facts`, each checked by the facts model.

    A blank answer changes nothing. "Don't know" leaves the fact unknown (and
    removes a value given before). A bad answer leaves the fact as it was and
    gets its error; the good answers of the same block are kept.
    """
    out = copy.deepcopy(dict(facts))
    errors: dict[str, str] = {}
    dont_know: list[str] = []
    answered: list[str] = []
    for name, answer in answers.items():
        fact = BY_NAME.get(name)
        if fact is None or fact.derived:
            continue                                  # not a question (a tampered form): ignored
        if is_dont_know(answer):
            if name in NEEDED:
                errors[name] = say(lang, "err_no_dont_know")
            else:
                dont_know.append(name)
                remove_path(out, name)
            continue
        if is_blank(answer):
            if name in NEEDED and get_path(out, name) is None:
                errors[name] = say(lang, "err_required")
            continue
        candidate = copy.deepcopy(out)
        set_path(candidate, name, answer)
        for needed in NEEDED - {name}:       # not given yet (the name comes first, but may be answered later)
            if get_path(candidate, needed) is None:
                set_path(candidate, needed, "-")
        try:
            typed = validate_facts(candidate).flat(derived=False).get(name)
        except FactsError as exc:
            errors[name] = field_error(fact, exc.problems, lang)
            continue
        set_path(out, name, typed)
        answered.append(name)
    return Applied(out, dont_know, errors, answered)


def field_error(fact: Fact, problems: list[Problem], lang: str) -> str:
    """The error of one answer in `lang`: a contradiction with another fact, else what the fact takes."""
    own = [p for p in problems if p.path == fact.name or p.path.startswith(fact.name + ".")]
    other = [p for p in problems if p not in own]
    if not own and other:
        return cross_error(other[0], lang)
    problem = own[0] if own else None
    if problem is not None and "more than size.members" in problem.message:
        return cross_error(problem, lang)
    return kind_error(fact, lang)


def cross_error(problem: Problem, lang: str) -> str:
    if "more than size.members" in problem.message:
        members = problem.message.split("(")[-1].rstrip(")")
        return say(lang, "err_more_than_members", members=members)
    if problem.path == "traffic.source_shares" or problem.path.startswith("traffic.source_shares."):
        return say(lang, "err_shares_sum")
    return say(lang, "err_other", detail=problem.message)


def kind_error(fact: Fact, lang: str) -> str:
    """What the fact takes, said as an error in `lang`."""
    if fact.kind in ("enum", "enumlist"):
        names = ("、" if lang == "zh" else ", ").join(o.label for o in options_of(fact, lang))
        return say(lang, "err_" + fact.kind, values=names)
    if fact.kind == "count" and fact.name == "community.groups":
        return say(lang, "err_groups")
    if fact.kind == "text":
        return say(lang, "err_text", max=MAX_TEXT)
    return say(lang, "err_" + fact.kind)



def problem_text(problem: Problem, lang: str) -> str:
    """One problem of a facts file for the page: in Chinese, a fact's problem is said with its label and what
    it takes (the dotted path kept beside it, to find it in the file); anything else as the loader words it."""
    fact = BY_NAME.get(problem.path)
    if lang != "zh" or fact is None or fact.derived:
        return str(problem)
    where = f"第 {problem.line} 行，" if problem.line else ""
    if problem.message == "required fact is missing":
        what = say(lang, "err_required")
    elif "more than size.members" in problem.message:
        what = cross_error(problem, lang)
    else:
        what = kind_error(fact, lang)
    return f"{where}{fact.label(lang)}（{problem.path}）：{what}"
