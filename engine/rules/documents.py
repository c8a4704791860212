"""The five source documents every built-in rule cites (see docs/sources.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    author: str


DOCUMENTS: dict[str, Document] = {d.key: d for d in (
    Document("social-marketing-rules", "basic operations and marketing rules of private domain traffic communities",
             "Private Domain Traffic Study Society"),
    Document("nine-minefields", "avoiding failure in community marketing: the nine mines", "Leon, PR Home"),
    Document("six-aspects", '"Community" does a good job in community marketing in these six aspects',
             "reposted, author not given"),
    Document("three-cognitions", "Have you taken so many community courses but still can't build a community?",
             "Gao Xing, Qinggua Media"),
    Document("positioning-and-stages", "the four issues: positioning, core value, traffic, stages", "Shen Xiaoyang"),
)}


def normalise_quote(text: str) -> str:
    """Text with case, white space and typographic quotes folded, so a rule's quote is
    found verbatim in its document: apply it to both the quote and the document."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()
