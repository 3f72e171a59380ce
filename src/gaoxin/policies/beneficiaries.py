"""Persons as beneficiaries of the policy engine (人才政策兑现).

A person clause (`Clause.beneficiary = person`) pays certified talents. The talent pillar sits above
policies, so policies never imports it: talent registers, from its AppConfig.ready(), the one loader
that returns every candidate person's facts on a day (their `person.*` values and their employer's
enterprise facts), the way govservices takes its submission checks in govservices/hooks.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from gaoxin.core.errors import Conflict

from .rules.facts import PersonFacts

PersonLoader = Callable[[dt.date], list[PersonFacts]]
_loaders: list[PersonLoader] = []


def register_person_loader(loader: PersonLoader) -> None:
    if loader not in _loaders:
        _loaders.append(loader)


def person_facts(as_of: dt.date) -> list[PersonFacts]:
    """Every candidate person with their facts on `as_of` (sorted by ID number, for stable batches)."""
    if not _loaders:
        raise Conflict("人才模块未启用，不能测算受益对象为个人的事项")
    out = [p for loader in _loaders for p in loader(as_of)]
    return sorted(out, key=lambda p: p.id_card)
