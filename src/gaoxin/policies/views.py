"""Pages of the policies pillar. Thin: parse, call a selector or service, render."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from gaoxin.core import clock
from gaoxin.core.errors import BadRequest, DomainError, NotFound, PermissionDenied
from gaoxin.core.spreadsheets import xlsx_response
from gaoxin.core.views import run_service

from . import lists, permissions, selectors
from .forms import ClauseForm, PolicyForm
from .models import Award
from .rules import RuleError, builder, parse_rule
from .rules.sentences import near_miss_readings, variable_groups
from .rules.variables import FOR_PERSONS, TYPE_LABELS, VARIABLES
from .services import apply, catalogue, matching, money, premises, reports


def page(view):
    """Login required; NotFound → 404, PermissionDenied → 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc

    return wrapper


def _act(request, call, success: str) -> bool:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _money(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() and 0 <= value < Decimal("1e15") else None


def _clawback_amount(text: str) -> Decimal | None:
    """Empty: all that is left; otherwise the amount (an invalid one is refused by the service)."""
    if not text.strip():
        return None
    amount = _money(text[:30])
    return amount if amount is not None else Decimal("-1")


# ---- catalogue --------------------------------------------------------------------------------


@page
def catalogue_view(request):
    form = PolicyForm(request.POST or None)
    if request.method == "POST":
        created = {}

        def create(data):
            created["policy"] = catalogue.policy_create(actor=request.user, **data)

        if run_service(request, form, create, "政策已创建"):
            return redirect("policies:policy", pk=created["policy"].pk)
    q = request.GET.get("q", "")[:60]
    policies = selectors.policy_list(user=request.user, q=q)
    return render(
        request,
        "policies/catalogue.html",
        {
            "policies": policies,
            "form": form,
            "q": q,
            "can_manage": permissions.can_manage_policies(request.user),
            "is_enterprise": permissions.can_see_own_enterprise(request.user),
        },
    )


@page
def policy_view(request, pk):
    policy = selectors.policy_get(user=request.user, pk=pk)
    form = ClauseForm(request.POST or None)
    if request.method == "POST":
        created = {}

        def create(data):
            created["clause"] = catalogue.clause_create(actor=request.user, policy=policy, **data)

        if run_service(request, form, create, "兑现事项已创建，请编写资格条件"):
            return redirect("policies:rule_editor", pk=created["clause"].pk)
    context = {
        "policy": policy,
        "clauses": selectors.clause_list(user=request.user, policy=policy),
        "form": form,
        "can_manage": permissions.can_manage_policies(request.user),
    }
    return render(request, "policies/policy.html", context)


@page
def clause_view(request, pk):
    clause = selectors.clause_get(user=request.user, pk=pk)
    ctx = {"clause": clause, "can_manage": permissions.can_manage_policies(request.user)}
    if ctx["can_manage"]:
        ctx["lifecycle"] = catalogue.CLAUSES.available(user=request.user, obj=clause)
    if permissions.can_view_funds(request.user):
        ctx["budgets"] = [
            (b, money.budget_balance(b))
            for b in selectors.budget_list(user=request.user).filter(clause_id=clause.budget_clause_id)
        ]
        ctx["award_counts"] = _counts(selectors.award_list(user=request.user, clause_id=clause.pk))
        ctx["can_set_budget"] = permissions.can_set_budget(request.user)
    if clause.pays_persons:  # its beneficiaries are talents: no enterprise matching, no offer
        if permissions.can_view_matching(request.user):
            ctx["persons"] = len(matching.eligible_persons(clause, clock.today()))
        return render(request, "policies/clause.html", ctx)
    if permissions.can_view_matching(request.user):
        ctx["preview"] = matching.preview(clause.rule, limit=20)
    if permissions.can_see_own_enterprise(request.user):
        ctx["offer"] = matching.offer_for(selectors.enterprise_of(request.user), clause)
    return render(request, "policies/clause.html", ctx)


def _counts(awards):
    from django.db.models import Count, Sum

    labels = dict(Award.State.choices)
    return [
        {"state": r["state"], "label": labels[r["state"]], "n": r["n"], "total": r["total"]}
        for r in awards.order_by().values("state").annotate(n=Count("id"), total=Sum("amount"))
    ]


def _builder(request, stored_rule: str) -> dict:
    """The builder's rows, the rule they make (or the rule text when no row is set), the errors at
    each row and the live preview — for the page and for its htmx refresh."""
    last_year = clock.today().year - 1
    errors: dict[int, str] = {}
    if request.method == "POST":
        rows, join = builder.rows_from_post(request.POST, last_year)
        expressible = any(r.variable for r in rows) or "var0" in request.POST
        rule = request.POST.get("rule", stored_rule)[:4000]
        if any(r.variable for r in rows):
            rule, errors = builder.build_rows(rows, join)
    else:
        rule = stored_rule
        found = builder.rows_of(stored_rule)
        expressible = found is not None
        rows, join = found if found is not None else ([], "all")
    if expressible and not rows:
        rows = [builder.Row("")]
    preview, error = None, ""
    if rule and not errors:
        try:
            preview = matching.preview(rule, limit=20)
        except RuleError as exc:
            error = exc.message
    return {
        "rows": builder.row_forms(rows, errors, last_year),
        "join": join,
        "joins": builder.JOINS,
        "expressible": expressible,
        "rule": rule,
        "errors": errors,
        "error": error,
        "preview": preview,
        "near_values": matching_misses(rule, preview),
        "variable_groups": variable_groups(VARIABLES.values()),
        "max_rows": builder.MAX_ROWS,
        "invalid": bool(errors or error),
    }


def matching_misses(rule: str, preview) -> list:
    if preview is None:
        return []
    return near_miss_readings(parse_rule(rule), preview.misses, clock.today())


@page
def rule_editor_view(request, pk):
    clause = selectors.clause_get(user=request.user, pk=pk)
    if not permissions.can_manage_policies(request.user):
        raise PermissionDenied("只有政策专员可以编辑规则")
    ctx = _builder(request, clause.rule)
    formula = request.POST.get("formula", clause.formula)[:4000]
    if request.method == "POST" and request.POST.get("action", "save") == "save" and not ctx["errors"]:
        cap = request.POST.get("award_cap", "").strip()
        fields = {}
        if cap:
            fields["award_cap"] = _money(cap)
            if not fields["award_cap"]:
                messages.error(request, "单户上限应为正数")
                fields = None
        if fields is not None and _act(
            request,
            lambda: catalogue.clause_update(
                actor=request.user, clause=clause, rule=ctx["rule"], formula=formula, **fields
            ),
            "规则已保存",
        ):
            return redirect("policies:clause", pk=clause.pk)
        ctx["invalid"] = True
    variables = (FOR_PERSONS if clause.pays_persons else VARIABLES).values()
    if clause.pays_persons:  # the builder rows and the zone preview are the enterprises'; the table lists all
        ctx["variable_groups"] = variable_groups(variables)
    ctx.update(clause=clause, formula=formula, variables=variables, type_labels=TYPE_LABELS)
    status = 400 if request.method == "POST" and ctx["invalid"] else 200
    return render(request, "policies/rule_editor.html", ctx, status=status)


@page
@require_POST
def rule_preview_view(request):
    if not permissions.can_view_matching(request.user):
        raise PermissionDenied("无权试匹配")
    try:
        preview = matching.preview(request.POST.get("rule", "")[:4000], limit=20)
        error = ""
    except RuleError as exc:
        preview, error = None, exc.message
    return render(request, "policies/_preview.html", {"preview": preview, "error": error})


@page
@require_POST
def rule_builder_view(request):
    if not permissions.can_manage_policies(request.user):
        raise PermissionDenied("无权编辑规则")
    ctx = _builder(request, "")
    return render(request, "policies/_builder.html", ctx, status=400 if ctx["invalid"] else 200)


@page
def clause_batch_view(request, pk):
    """POST runs the 免申即享 batch; GET ?run= shows its progress and what to do next."""
    clause = selectors.clause_get(user=request.user, pk=pk)
    if request.method == "GET":
        from gaoxin.core.selectors import task_run_get

        run_id = request.GET.get("run", "")
        if not run_id.isdigit():
            raise NotFound("未找到该批次")
        run = task_run_get(user=request.user, run_id=int(run_id), subject=money.batch_subject(clause))
        created = (run.result or {}).get("新生成待审核") if run.finished else None
        return render(
            request, "policies/clause_batch.html", {"clause": clause, "run": run, "created": created}
        )
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        run = money.award_batch_start(actor=request.user, clause=clause)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policies:clause", pk=pk)
    return redirect(reverse("policies:clause_batch", args=[pk]) + f"?run={run.pk}")


@page
@require_POST
def clause_notify_view(request, pk):
    clause = selectors.clause_get(user=request.user, pk=pk)
    if not permissions.can_manage_policies(request.user):
        raise PermissionDenied("无权发送通知")
    n = matching.notify_newly_eligible(clause=clause)
    messages.success(request, f"已向 {n} 户新符合条件的企业发送通知")
    return redirect("policies:clause", pk=pk)


@page
@require_POST
def clause_state_view(request, pk):
    """核验 / 发布 / 撤回 a clause (draft → checked → published)."""
    clause = selectors.clause_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")[:20]
    if action not in catalogue.CLAUSES.by_action:
        messages.error(request, "未知操作")
    else:
        _act(
            request,
            lambda: catalogue.clause_act(actor=request.user, clause=clause, action=action),
            "兑现事项状态已更新",
        )
    return redirect("policies:clause", pk=pk)


@page
@require_POST
def clause_service_item_view(request, pk):
    clause = selectors.clause_get(user=request.user, pk=pk)
    _act(
        request,
        lambda: apply.clause_publish_service_item(actor=request.user, clause=clause),
        "已发布为办事事项，企业可在线申报",
    )
    return redirect("policies:clause", pk=pk)


# ---- awards -----------------------------------------------------------------------------------


@page
def awards_view(request):
    if not permissions.can_view_funds(request.user):
        raise PermissionDenied("无权查看兑现记录")
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 18]
        chosen = list(selectors.award_list(user=request.user).filter(pk__in=ids))
        action = request.POST.get("action")
        if not chosen:
            messages.error(request, "请先勾选兑现记录")
        elif action == "approve":
            _act(
                request,
                lambda: money.awards_approve(actor=request.user, awards=chosen),
                f"已审核通过 {len(chosen)} 笔并预留预算",
            )
        elif action == "publish":
            _act(
                request,
                lambda: money.awards_publish(actor=request.user, awards=chosen),
                f"已公示 {len(chosen)} 笔",
            )
        elif action == "reject":
            reason = request.POST.get("reason", "")[:300]

            def reject_all():
                for a in chosen:
                    money.award_reject(actor=request.user, award=a, reason=reason)

            _act(request, reject_all, f"已将 {len(chosen)} 笔设为不予兑现")
        return redirect(request.get_full_path())
    return lists.AWARDS.respond(
        request, "policies/awards.html", {"can_manage": permissions.can_manage_policies(request.user)}
    )


@page
def award_view(request, pk):
    award = selectors.award_get(user=request.user, pk=pk)
    if request.method == "POST":
        action, reason = request.POST.get("action"), request.POST.get("reason", "")[:300]
        calls = {
            "confirm": (
                lambda: money.award_confirm(
                    actor=request.user,
                    award=award,
                    bank_name=request.POST.get("bank_name", "")[:80],
                    account_name=request.POST.get("account_name", "")[:120],
                    account_no=request.POST.get("account_no", "")[:40],
                ),
                "已确认收款账户",
            ),
            "revoke": (lambda: money.award_revoke(actor=request.user, award=award, reason=reason), "已撤销"),
            "clawback": (
                lambda: money.award_clawback(
                    actor=request.user,
                    award=award,
                    reason=reason,
                    reference=request.POST.get("reference", "")[:80],
                    amount=_clawback_amount(request.POST.get("amount", "")),
                ),
                "已登记追回",
            ),
            "approve": (lambda: money.award_approve(actor=request.user, award=award), "已审核通过"),
        }
        if action in calls:
            _act(request, *calls[action])
        return redirect("policies:award", pk=pk)
    return render(
        request,
        "policies/award.html",
        {
            "award": award,
            "events": money.AWARDS.titled(award.events.select_related("actor")),
            "recovered": money.clawed_back(award),
            "is_owner": money.may_confirm(request.user, award),
            "beneficiary_code": award.beneficiary_code_for(request.user),
            "can_manage": permissions.can_manage_policies(request.user),
            "can_pay": permissions.can_handle_payments(request.user),
        },
    )


# ---- payments and funds ---------------------------------------------------------------------------


@page
def payments_view(request):
    batches = selectors.batch_list(user=request.user)
    if request.method == "POST":

        def create():
            batch = money.payment_batch_create(actor=request.user)
            request.session["last_batch"] = batch.pk

        if _act(request, create, "已生成拨付批次"):
            return redirect("policies:payment", pk=request.session.pop("last_batch"))
        return redirect("policies:payments")
    return render(
        request,
        "policies/payments.html",
        {
            "batches": batches,
            "payable": money.payable().select_related("enterprise", "clause"),
            "can_pay": permissions.can_handle_payments(request.user),
        },
    )


@page
def payment_view(request, pk):
    batch = selectors.batch_get(user=request.user, pk=pk)
    items = batch.items.select_related("award__enterprise", "award__clause")
    if request.method == "POST" and request.POST.get("cancel"):
        reason = request.POST.get("reason", "")[:300]
        _act(
            request,
            lambda: money.payment_batch_cancel(actor=request.user, batch=batch, reason=reason),
            "批次已作废",
        )
        return redirect("policies:payment", pk=pk)
    if request.method == "POST":
        refs = {i.award_id: request.POST.get(f"ref{i.award_id}", "")[:80] for i in items}
        paid_on = request.POST.get("paid_on", "")
        try:
            paid_on = dt.date.fromisoformat(paid_on) if paid_on else None
        except ValueError:
            paid_on = None
        _act(
            request,
            lambda: money.payment_batch_mark_paid(
                actor=request.user, batch=batch, references=refs, paid_on=paid_on
            ),
            "已登记拨付",
        )
        return redirect("policies:payment", pk=pk)
    return render(
        request,
        "policies/payment.html",
        {
            "batch": batch,
            "items": items,
            "can_pay": permissions.can_handle_payments(request.user),
        },
    )


@page
def payment_file_view(request, pk):
    batch = selectors.batch_get(user=request.user, pk=pk)
    content = money.payment_batch_export(actor=request.user, batch=batch)
    return xlsx_response(content, f"{batch.code}.xlsx")


@page
def funds_view(request):
    years = selectors.budget_years(user=request.user)
    raw_year, by = request.GET.get("year", ""), request.GET.get("by", "") or "policy"
    if (raw_year and not (raw_year.isdigit() and int(raw_year) in years)) or by not in reports.DIMENSIONS:
        raise BadRequest(gettext("没有该年度的预算或该统计口径，请从列表中选择"))
    year = int(raw_year) if raw_year else None
    budgets = [(b, money.budget_balance(b)) for b in selectors.budget_list(user=request.user, year=year)]
    totals = {
        k: sum((bal[k] for _, bal in budgets), Decimal("0.00"))
        for k in ("amount", "committed", "paid", "recovered", "available")
    }
    if request.GET.get("format") == "xlsx":
        return xlsx_response(reports.funds_workbook(year), "funds.xlsx")
    rows = {d: reports.funds_report(d, year) for d in {by, "policy", "month"}}  # each read once
    return render(
        request,
        "policies/funds.html",
        {
            "budgets": budgets,
            "totals": totals,
            "year": year,
            "years": years,
            "by": by,
            "dimensions": reports.DIMENSIONS,
            "rows": rows[by],
            "charts": reports.funds_charts(rows["policy"], rows["month"]),
            "problems": money.reconcile(),
        },
    )


@page
def ledger_view(request):
    budget = request.GET.get("budget", "")
    budget = int(budget) if budget.isdigit() and len(budget) < 10 else None
    entries = Paginator(selectors.ledger_list(user=request.user, budget_id=budget), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "policies/ledger.html", {"page": entries, "budget": budget})


# ---- enterprise side ------------------------------------------------------------------------------


@page
def mine_view(request):
    ent = selectors.enterprise_of(request.user)
    offers = matching.offers_for(ent)
    return render(
        request,
        "policies/mine.html",
        {
            "enterprise": ent,
            "eligible": [o for o in offers if o.eligible],
            "near": [o for o in offers if not o.eligible and len(o.explanation.failed) == 1],
            "awards": selectors.award_list(user=request.user),
            "notices": selectors.notifications_for(user=request.user)[:20],
        },
    )


# ---- premises and loans ---------------------------------------------------------------------------


@page
def relief_view(request):
    schemes = [(s, premises.relief_totals(s)) for s in selectors.scheme_list(user=request.user)]
    if request.method == "POST":
        raw = request.POST.get("scheme", "")
        scheme = selectors.scheme_get(
            user=request.user, pk=int(raw) if raw.isdigit() and len(raw) < 10 else 0
        )
        if request.POST.get("action") == "approve":
            _act(request, lambda: premises.relief_approve(actor=request.user, scheme=scheme), "已批准减免")
        else:
            _act(request, lambda: premises.relief_compute(actor=request.user, scheme=scheme), "已测算减免")
        return redirect("policies:relief")
    return render(
        request,
        "policies/relief.html",
        {"schemes": schemes, "can_manage": permissions.can_manage_policies(request.user)},
    )


@page
def loans_view(request):
    needs = selectors.loan_list(user=request.user)
    return render(
        request,
        "policies/loans.html",
        {
            "needs": needs[:200],
            "totals": premises.loan_totals() if permissions.can_view_funds(request.user) else None,
        },
    )
