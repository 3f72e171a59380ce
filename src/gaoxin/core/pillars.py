"""The registry of the apps above core: what each puts in the menu, on the home page, in the named
permissions and in the demo zone.

Each app registers itself from its `AppConfig.ready()`, so the consumers (the menu, the home page,
`has_perm`, the demo generator) iterate this registry and no lower layer lists the apps above it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

NavItems = Callable[[object], list[tuple[str, str]]]
HomeCards = Callable[[object], list[dict]]
Rule = Callable[[object], bool]


@dataclass(frozen=True)
class DemoStep:
    """One step of the demo generator. `func` is a dotted path (the demo sits above every app, so an
    app names its step instead of importing it); it takes the shared context dict."""

    order: int
    title: str
    func: str

    def __call__(self, ctx: dict) -> None:
        import_string(self.func)(ctx)


@dataclass(frozen=True)
class Pillar:
    label: str
    order: int  # position of its entries in the menu and of its cards on the home page
    title: str = ""  # the name of its menu when the navigation groups entries (a lazy translation)
    nav: NavItems | None = None
    home_cards: HomeCards | None = None
    rules: Mapping[str, Rule] = field(default_factory=dict)  # answered by user.has_perm(name)
    demo_steps: tuple[DemoStep, ...] = ()


_registry: dict[str, Pillar] = {}


def register(pillar: Pillar) -> Pillar:
    """Add (or replace, by label) an app's declarations. Two apps may not claim one rule name."""
    for other in _registry.values():
        clash = set(other.rules) & set(pillar.rules)
        if other.label != pillar.label and clash:
            raise ImproperlyConfigured(
                f"permission {sorted(clash)} declared by {other.label} and {pillar.label}"
            )
    _registry[pillar.label] = pillar
    return pillar


def pillars() -> list[Pillar]:
    """Registered apps in declared order."""
    return sorted(_registry.values(), key=lambda p: (p.order, p.label))


def nav_items(user) -> list[tuple[str, str]]:
    return [item for _title, items in nav_groups(user) for item in items]


def nav_groups(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each app's entries for a user under its menu title, apps with no entry left out. Apps that
    share a title (talent and innovation: 人才与双创) share one menu, in the first one's place."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for p in pillars():
        items = p.nav(user) if p.nav else []
        if not items:
            continue
        same = next((g for g in groups if p.title and str(g[0]) == str(p.title)), None)
        if same is not None:
            same[1].extend(items)
        else:
            groups.append((p.title, list(items)))
    return groups


def home_cards(user) -> list[dict]:
    return [card for p in pillars() if p.home_cards for card in p.home_cards(user)]


def rule(name: str) -> Rule | None:
    for p in _registry.values():
        if name in p.rules:
            return p.rules[name]
    return None


def demo_steps() -> list[DemoStep]:
    return sorted((s for p in _registry.values() for s in p.demo_steps), key=lambda s: s.order)
