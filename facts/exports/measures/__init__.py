"""Measuring the facts: small accumulators fed in one pass over the records.

Each accumulator measures one fact or a few closely related ones: it is fed
the messages (or joins and leaves, or WeCom days) and ``finish`` gives, per
fact, a :class:`Fact` (the value and how it was computed) or an
:class:`Unknown` (why not). The definitions they use live in ``measure.py``.
"""
from .chats import measure_chats
from ..measure import Fact, Unknown
from .wecom import measure_wecom

__all__ = ["measure_chats", "measure_wecom", "Fact", "Unknown"]
