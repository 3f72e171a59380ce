"""The staff roles of a management committee. Permissions are decided in permissions.py only."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", _("窗口受理员")
    REVIEWER = "reviewer", _("审查员")
    APPROVER = "approver", _("审批人")
    AGENT = "agent", _("代办员")
    POLICY_OFFICER = "policy_officer", _("政策专员")
    FINANCE_OFFICER = "finance_officer", _("财政专员")
    INVESTMENT_OFFICER = "investment_officer", _("招商专员")
    STATISTICIAN = "statistician", _("统计员")
    LEADER = "leader", _("领导")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


class Kind(models.TextChoices):
    STAFF = "staff", _("工作人员")
    ENTERPRISE = "enterprise", _("企业用户")
    CITIZEN = "citizen", _("个人用户")
