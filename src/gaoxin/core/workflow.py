"""The one workflow primitive: a declared transition table per machine, and one runner.

A `Machine` names a model, its transition table and how to answer "may this user act as this role".
`Machine.run()` performs one transition in one transaction, always in this order:

1. lock the row (`select_for_update`; on SQLite the IMMEDIATE transaction serialises writers);
2. the row must be visible to the actor, else 404 (NotFound) — existence is not revealed;
3. the revision the actor saw, when given, must be the current one, else 409 (a lost race);
4. the state must be a source of the action, and the action must apply to this kind of object, else 409;
5. the actor must hold one of the action's roles, else 403;
6. the effect runs (its guard may still refuse with a DomainError, rolling everything back);
7. the target state, the revision, the row, the timeline event and the audit event are written.

Cases, reports and awards run on it; each machine's table stays explicit in its own module, and
`diagram()` gives a page what it needs to draw it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import audit, clock
from .errors import Conflict, NotFound, PermissionDenied

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# effect(obj, actor, payload, today) → details for the timeline and the audit summary (or None)
Effect = Callable[[Any, Any, dict, dt.date], dict | None]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the object stays in its state
    roles: tuple[str, ...]
    effect: Effect | None = None
    applies: Callable[[Any], bool] | None = None  # whether the action exists for this kind of object
    not_applicable: str = ""

    @property
    def title(self) -> str:
        """The action's name in the reader's language. `label` is the Chinese source: timelines store
        it, and pages translate it back with the same context (`{% translate e.label context
        "workflow action" %}`)."""
        return pgettext("workflow action", self.label)


@dataclass
class Step:
    """What the runner hands to the machine's event writer after the effect."""

    obj: Any
    actor: Any
    transition: Transition
    before: str
    payload: dict
    details: dict
    today: dt.date


@dataclass
class Machine:
    name: str  # the audit prefix: "case" → "case.accept"
    model: type[models.Model]
    transitions: list[Transition]
    role_names: Mapping[str, StrOrPromise]  # shown in the reader's language
    may: Callable[[str, Any, Any], bool]  # may(role, user, obj)
    visible: Callable[[Any, Any], bool]  # visible(user, obj): after the lock; False → 404
    write_event: Callable[[Step], None]
    summary: Callable[[Any], dict] = lambda obj: {}
    after: Callable[[Step], None] | None = None  # bookkeeping after the state moved (lights, stages)
    prelock: Callable[[Any, Transition], None] | None = None  # rows to lock before this one (lock order)
    select_related: tuple[str, ...] = ()
    state_field: str = "state"
    revision_field: str | None = None
    # Messages, formatted with {state}, {action} and {who}; each machine words them for its users.
    not_found: str = "未找到该对象，或您无权查看"
    stale: str = "已被他人处理，请刷新后再操作"
    wrong_state: str = "当前为「{state}」，不能「{action}」"
    forbidden: str = "「{action}」须由{who}办理"
    by_action: dict[str, Transition] = field(init=False)

    def __post_init__(self) -> None:
        self.by_action = {}
        for t in self.transitions:
            self.by_action.setdefault(t.action, t)
        MACHINES[self.name] = self

    # ---- reading the table -------------------------------------------------------------------

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def transition_for(self, action: str, state: str | None = None) -> Transition | None:
        """The transition of `action`; with a state, the one whose sources hold it (an action may
        appear more than once, from different states)."""
        if state is not None:
            for t in self.transitions:
                if t.action == action and state in t.sources:
                    return t
        return self.by_action.get(action)

    def may_act(self, user, obj, t: Transition) -> bool:
        return any(self.may(role, user, obj) for role in t.roles)

    def available(self, *, user, obj) -> list[Transition]:
        """The actions this user may take on this object now (what a page offers as buttons)."""
        state = self.state_of(obj)
        return [
            t
            for t in self.transitions
            if state in t.sources and (t.applies is None or t.applies(obj)) and self.may_act(user, obj, t)
        ]

    def titled(self, events: Iterable) -> list:
        """Timeline events (each with an `action` code) with `title`, the action's name in the
        reader's language, for a page to show instead of the code."""
        events = list(events)
        for e in events:
            t = self.by_action.get(e.action)
            e.title = t.title if t else e.action
        return events

    def allowed(self, *, user, obj, action: str) -> bool:
        return any(t.action == action for t in self.available(user=user, obj=obj))

    def _choices(self) -> list[tuple[str, Any]]:
        field_ = self.model._meta.get_field(self.state_field)
        assert isinstance(field_, models.Field)
        return list(field_.flatchoices)

    def state_label(self, state: str) -> str:
        return str(dict(self._choices()).get(state, state))

    # ---- running one transition ----------------------------------------------------------------

    def run(
        self,
        *,
        actor,
        action: str,
        pk: Any = None,
        lookup: dict | None = None,
        payload: dict | None = None,
        revision: int | None = None,
        prepare: Callable[[Any, dict], None] | None = None,
    ):
        """Run `action` on the row `pk` (or `lookup`). `prepare(obj, payload)` runs after every check
        and before the effect (e.g. storing an upload the effect needs)."""
        if action not in self.by_action:
            raise NotFound(_("没有名为 %(action)s 的操作") % {"action": action})
        payload = dict(payload or {})
        where = lookup if lookup is not None else {"pk": pk}
        with transaction.atomic():
            if self.prelock is not None:
                unlocked = self.model._default_manager.filter(**where).first()
                if unlocked is not None:
                    self.prelock(unlocked, self.by_action[action])
            obj = self._lock(where)
            if obj is None or not self.visible(actor, obj):
                raise NotFound(self.not_found)
            if revision is not None and self.revision_field and revision != getattr(obj, self.revision_field):
                raise Conflict(str(self.stale))
            before = self.state_of(obj)
            t = self.transition_for(action, before)
            if t is None or before not in t.sources:
                label = self.by_action[action].title
                raise Conflict(str(self.wrong_state).format(state=self.state_label(before), action=label))
            if t.applies is not None and not t.applies(obj):
                raise Conflict(_(str(t.not_applicable)))
            if not self.may_act(actor, obj, t):
                who = _("或").join(str(self.role_names[r]) for r in t.roles)
                raise PermissionDenied(str(self.forbidden).format(action=t.title, who=who))
            if prepare is not None:
                prepare(obj, payload)
            today = clock.today()
            details = (t.effect(obj, actor, payload, today) if t.effect else None) or {}
            if t.target:
                setattr(obj, self.state_field, t.target)
            step = Step(obj, actor, t, before, payload, details, today)
            if self.after is not None:
                self.after(step)
            if self.revision_field:
                setattr(obj, self.revision_field, getattr(obj, self.revision_field) + 1)
            obj.save()
            self.write_event(step)
            audit.record(
                actor=actor,
                action=f"{self.name}.{t.action}",
                obj=obj,
                summary={**self.summary(obj), "from": before, "to": self.state_of(obj), **details},
            )
        return obj

    def _lock(self, where: dict):
        qs = self.model._default_manager.select_for_update()
        row = qs.filter(**where).only("pk").first()
        if row is None:
            return None
        # Re-read with the related rows once the lock is held (PostgreSQL refuses FOR UPDATE on the
        # nullable side of an outer join, so the lock query stays plain).
        return self.model._default_manager.select_related(*self.select_related).get(pk=row.pk)

    # ---- drawing -----------------------------------------------------------------------------------

    def diagram(self) -> dict:
        """States and edges for a page to draw (ECharts graph) and to list as a table."""
        states = [{"code": code, "label": str(label)} for code, label in self._choices()]
        edges = [
            {
                "action": t.action,
                "label": t.title,
                "from": source,
                "to": t.target or source,
                "roles": [str(self.role_names[r]) for r in t.roles],
            }
            for t in self.transitions
            for source in t.sources
        ]
        return {
            "name": self.name,
            "title": str(self.model._meta.verbose_name),
            "states": states,
            "edges": edges,
        }


MACHINES: dict[str, Machine] = {}


def machines() -> Iterable[Machine]:
    return [MACHINES[k] for k in sorted(MACHINES)]
