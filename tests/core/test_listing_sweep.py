"""Every declared staff list, swept from the registry in a demo zone: each sortable column sorts both
ways, each state/department choice keeps only its rows, bad filter values are a Chinese 400, the export
holds exactly the filtered rows under the columns' header, and an export never leaves the tenancy."""

import io

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

import gaoxin.core.auditlist  # noqa: F401  (each lists module registers its lists on import)
import gaoxin.enterprises.lists  # noqa: F401
import gaoxin.govservices.lists  # noqa: F401
import gaoxin.policies.lists  # noqa: F401
from gaoxin.accounts.models import User
from gaoxin.core.listing import REGISTRY, Choice, DateRange
from gaoxin.demo import generator

# Who looks at each list in the demo zone.
VIEWER = {
    "inbox": "clerk",
    "cases": "admin",
    "enterprises": "stats",
    "reports": "stats",
    "awards": "finance",
    "audit": "admin",
}
CHOICES_PER_FILTER = 25  # enough to cover every state; long catalogues (clauses) are sampled


@pytest.fixture(scope="module")
def zone(django_db_setup, django_db_blocker):
    """One demo zone for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator.build(seed=11, count=60, log=lambda m: None)
        yield
        transaction.set_rollback(True)


def _client(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def _get(name: str, params: dict, username: str | None = None):
    entry = REGISTRY[name]
    from django.urls import reverse

    return _client(username or VIEWER[name]).get(reverse(entry.url), params)


def _export_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def _spec(name: str, username: str | None = None):
    entry = REGISTRY[name]
    user = User.objects.get(username=username or VIEWER[name])
    return entry.spec(entry.rows(user))


def test_every_staff_list_is_registered():
    assert set(VIEWER) <= set(REGISTRY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VIEWER))
def test_every_sortable_column_sorts_both_ways(zone, name):
    spec = _spec(name)
    sortable = [c for c in spec.columns if c.sort]
    assert sortable
    for column in sortable:
        for sort in (column.sort, f"-{column.sort}"):
            r = _get(name, {"sort": sort})
            assert r.status_code == 200, (name, sort)
            page = r.context["page"]
            header = next(h for h in page.headers if h.label == column.label)
            assert header.aria_sort == ("descending" if sort.startswith("-") else "ascending")
            pks = [row.pk for row in page.rows]
            keys = dict(page.queryset.model._base_manager.filter(pk__in=pks).values_list("pk", column.sort))
            seen = [keys[pk] for pk in pks if keys[pk] is not None]
            expected = sorted(seen, reverse=sort.startswith("-"))
            assert seen == expected, (name, sort)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VIEWER))
def test_every_choice_keeps_only_its_rows(zone, name):
    spec = _spec(name)
    checked = 0
    for f in spec.filters:
        if not isinstance(f, Choice):
            continue
        for value, _label in f.options()[:CHOICES_PER_FILTER]:
            r = _get(name, {f.name: value})
            assert r.status_code == 200, (name, f.name, value)
            qs = r.context["page"].queryset
            if f.where is None:
                assert not qs.exclude(**{f"{f.field or f.name}__{f.lookup}": value}).exists(), (f.name, value)
            checked += 1
    assert checked or name == "audit"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VIEWER))
def test_bad_filter_values_are_a_chinese_400(zone, name):
    spec = _spec(name)
    bad: list[tuple[dict, str]] = [({"sort": "no_such_column"}, "无法按该列排序")]
    for f in spec.filters:
        if isinstance(f, DateRange):
            bad.append(({f"{f.name}_from": "2025-13-40"}, "不是有效日期"))
            bad.append(
                ({f"{f.name}_from": "2026-03-02", f"{f.name}_to": "2026-03-01"}, "起始日期晚于截止日期")
            )
        if isinstance(f, Choice):
            bad.append(({f.name: "no-such-choice"}, "没有这个选项"))
    assert len(bad) > 1 or name == "audit"
    for params, message in bad:
        r = _get(name, params)
        assert r.status_code == 400, (name, params)
        assert message in r.content.decode(), (name, params)
        r = _get(name, {**params, "export": "xlsx"})
        assert r.status_code == 400 and message in r.content.decode(), (name, params)


def _some_filter(spec) -> dict:
    """A filter value that narrows the list: the first choice of the first Choice filter."""
    for f in spec.filters:
        if isinstance(f, Choice) and f.options():
            return {f.name: f.options()[0][0]}
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(VIEWER))
def test_export_has_exactly_the_filtered_rows_under_the_header(zone, name):
    spec = _spec(name)
    for params in ({}, _some_filter(spec)):
        page = _get(name, params).context["page"]
        rows = _export_rows(_get(name, {**params, "export": "xlsx"}))
        assert list(rows[0]) == [c.label for c in spec.columns]
        assert len(rows) - 1 == page.paginator_page.paginator.count, (name, params)
    # the sorted export follows the page's order
    column = next(c for c in spec.columns if c.sort)
    page = _get(name, {"sort": column.sort}).context["page"]
    rows = _export_rows(_get(name, {"sort": column.sort, "export": "xlsx"}))
    first = [str(cells[0][0]) for _obj, cells in page.cells]
    assert ["" if r[0] is None else str(r[0]) for r in rows[1 : len(first) + 1]] == first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "username", "key"),
    [
        ("cases", "ent", "number"),
        ("reports", "ent", "enterprise"),
        ("enterprises", "ent", "uscc"),
        ("inbox", "reviewer", "number"),
        ("cases", "reviewer", "number"),
    ],
)
def test_an_export_never_leaves_the_users_tenancy(zone, name, username, key):
    entry = REGISTRY[name]
    spec = _spec(name, username)
    user = User.objects.get(username=username)
    column = next(c for c in spec.columns if c.key == key)
    index = list(spec.columns).index(column)
    model = entry.rows(user).model
    visible = {str(column.cell(o)) for o in model.objects.visible_to(user)}
    everything = {str(column.cell(o)) for o in model._base_manager.all()}
    assert everything - visible, "the zone should hold rows this user may not see"
    rows = _export_rows(_get(name, {"export": "xlsx"}, username))[1:]
    exported = {str(r[index]) for r in rows}
    assert exported <= visible
    assert not exported & (everything - visible)
