"""The five source documents every built-in rule cites (see docs/sources.md)."""
from __future__ import annotations

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
