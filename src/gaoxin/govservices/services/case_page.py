"""The action forms of a case page, grouped by what they do (推进办理 / 要求补充 / 终止), each with a
label saying what the action is and one line saying what happens next."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import Case, CaseMaterial
from .cases import available_actions


@dataclass(frozen=True)
class ActionForm:
    kind: str  # which fields the form shows: the action's code, or "defer" (容缺受理)
    action: str  # the transition the form posts to
    title: str
    help: str
    danger: bool


GROUPS = (("advance", _("推进办理")), ("request", _("要求补充")), ("stop", _("终止")))

# action → (group, label or None for the action's own name, what happens next)
PAGE = {
    "accept": ("advance", None, _("材料齐全：受理后开始计算办理期限，办件送第一个审查环节")),
    "accept_instant": ("advance", None, _("材料齐全：当场作出决定并出具结果")),
    "review": ("advance", None, _("本部门出具意见；各部门都出具后，办件进入下一环节")),
    "suspend": ("advance", None, _("检验、检测、专家评审等期间停止计时，并告知申请人预计所需时间")),
    "resume": ("advance", None, _("特别程序结束，恢复计时，期限按停止的工作日顺延")),
    "extend": ("advance", None, _("经负责人批准延长十个工作日，并将理由告知申请人")),
    "approve": ("advance", None, _("作出准予许可决定，随后出具证照或结果")),
    "issue": ("advance", None, _("制发证照或结果文书，申请人可在线下载")),
    "close": ("advance", None, _("办结归档，办件不再出现在待办中")),
    "verify_pass": ("advance", None, _("告知承诺核查属实，核查结束")),
    "request_correction": (
        "request",
        _("补正：请申请人补齐或更正材料"),
        _("一次性告知需补正的全部材料和问题；申请人补正后重新提交，再由窗口审核"),
    ),
    "defer": (
        "request",
        _("容缺受理：先受理，材料后补"),
        _("缺少的非关键材料可后补：现在受理并开始计时，申请人须在期限前补齐"),
    ),
    "resubmit": (
        "request",
        _("补正完毕，重新提交"),
        _("已按补正要求上传全部材料后提交，窗口将重新审核"),
    ),
    "supply": ("request", None, _("上传要求补交的材料，提交后由窗口核对")),
    "reject": ("stop", None, _("不符合受理条件：办件终止，理由告知申请人")),
    "deny": ("stop", None, _("作出不予许可决定：办件终止，理由告知申请人")),
    "withdraw": ("stop", None, _("撤回后办件终止，不再办理")),
    "verify_fail": ("stop", None, _("核查不实：撤销审批决定并注销证照")),
}


def _supply_title(case: Case) -> str:
    if case.state == Case.State.CORRECTION:
        return str(_("上传补正材料"))
    return str(_("补交容缺材料"))


def _defers(case: Case) -> bool:
    return case.version.allow_deferral and (
        case.materials.filter(
            spec__required=True,
            spec__key=False,
            status__in=[CaseMaterial.Status.MISSING, CaseMaterial.Status.REJECTED],
        ).exists()
    )


def action_groups(*, user, case: Case) -> list[tuple[str, list[ActionForm]]]:
    """The forms this user may use on the case now, in the order of GROUPS; empty groups left out."""
    forms: dict[str, list[ActionForm]] = {g: [] for g, _title in GROUPS}

    def add(kind: str, action: str, own_title: str) -> None:
        group, label, help_ = PAGE.get(kind, ("advance", None, ""))
        title = str(label) if label else own_title
        forms[group].append(ActionForm(kind, action, title, str(help_), group == "stop"))

    for t in available_actions(user=user, case=case):
        if t.action == "supply":
            add("supply", "supply", _supply_title(case))
            continue
        # With a non-key material missing, accepting is accepting it for later (容缺): one form, said so.
        add("defer" if t.action == "accept" and _defers(case) else t.action, t.action, t.title)
    return [(str(title), forms[g]) for g, title in GROUPS if forms[g]]
