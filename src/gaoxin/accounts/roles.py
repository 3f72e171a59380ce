"""The staff roles of a management committee. Permissions are decided in permissions.py only."""

from django.db import models


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "窗口受理员"
    REVIEWER = "reviewer", "审查员"
    APPROVER = "approver", "审批人"
    AGENT = "agent", "代办员"
    POLICY_OFFICER = "policy_officer", "政策专员"
    FINANCE_OFFICER = "finance_officer", "财政专员"
    INVESTMENT_OFFICER = "investment_officer", "招商专员"
    STATISTICIAN = "statistician", "统计员"
    LEADER = "leader", "领导"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


class Kind(models.TextChoices):
    STAFF = "staff", "工作人员"
    ENTERPRISE = "enterprise", "企业用户"
    CITIZEN = "citizen", "个人用户"
