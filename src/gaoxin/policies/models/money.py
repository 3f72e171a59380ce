"""Awards (兑现), the append-only ledger of budget movements, payment batches and notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import is_citizen, verified_uscc
from gaoxin.core.identifiers import mask_id_card, normalize
from gaoxin.core.tenancy import TenantQuerySet

from ..permissions import can_view_funds
from .catalogue import Budget, Clause, money


class AwardQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Policy (the talent office too), finance officers and leaders see every award; an enterprise
        its own once past review; a person their own once past review (by ID number). An employer does
        not see its employees' subsidies: their amounts disclose personal income and tax."""
        if can_view_funds(user):
            return self
        if is_citizen(user):
            own = normalize(user.id_card)
            return self.filter(person_id_card=own).exclude(state=Award.State.DRAFT) if own else self.none()
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(enterprise__uscc=uscc).exclude(state=Award.State.DRAFT)
        return self.none()


class AwardPartQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("award", Award.objects.visible_to(user))


class FundsQuerySet(TenantQuerySet):
    """The ledger and payment batches (bank accounts of many enterprises): the funds officers only."""

    def visible_to(self, user):
        return self if can_view_funds(user) else self.none()


class NotificationQuerySet(TenantQuerySet):
    def visible_to(self, user):
        uscc = verified_uscc(user)
        return self.filter(enterprise__uscc=uscc) if uscc else self.none()


class Award(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("待审核")
        APPROVED = "approved", _("已审核")
        NOTICE = "notice", _("公示中")
        CONFIRMED = "confirmed", _("企业已确认")
        IN_PAYMENT = "in_payment", _("拨付中")
        PAID = "paid", _("已拨付")
        REJECTED = "rejected", _("不予兑现")
        REVOKED = "revoked", _("已撤销")
        CLAWED_BACK = "clawed_back", _("已追回")

    clause = models.ForeignKey(
        Clause, verbose_name=_("兑现事项"), on_delete=models.PROTECT, related_name="awards"
    )
    # the beneficiary: an enterprise, or a person (a certified talent, known by ID number)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_awards",
    )
    person_id_card = models.CharField(_("受益人身份证号"), max_length=18, blank=True, db_index=True)
    person_name = models.CharField(_("受益人姓名"), max_length=60, blank=True)
    period = models.PositiveSmallIntegerField(_("兑现年度"))
    amount = money(_("兑现金额（元）"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    basis = models.JSONField(_("测算依据"), default=dict, blank=True)
    source = models.CharField(
        _("来源"), max_length=12, default="batch", help_text=_("batch 免申即享批次 / apply 申报")
    )
    batch_run = models.ForeignKey(
        "core.TaskRun",
        verbose_name=_("批次任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_to = models.DateField(_("公示截止"), null=True, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=80, blank=True)
    account_name = models.CharField(_("账户名称"), max_length=120, blank=True)
    account_no = models.CharField(_("银行账号"), max_length=40, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = verbose_name_plural = _("兑现记录")
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "enterprise", "period"],
                name="unique_award_per_clause_enterprise_period",
                violation_error_message="该企业在该事项本年度已有兑现记录",
            ),
            models.UniqueConstraint(
                fields=["clause", "person_id_card", "period"],
                condition=~Q(person_id_card=""),
                name="unique_award_per_clause_person_period",
                violation_error_message="该人才在该事项本年度已有兑现记录",
            ),
            models.CheckConstraint(
                name="award_one_beneficiary",
                condition=(Q(enterprise__isnull=False) & Q(person_id_card=""))
                | (Q(enterprise__isnull=True) & ~Q(person_id_card="")),
                violation_error_message="兑现对象须为一家企业或一名个人",
            ),
            models.CheckConstraint(
                name="award_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message="兑现金额必须大于 0",
            ),
        ]
        indexes = [models.Index(fields=["state", "clause"], name="award_state_clause_idx")]

    def __str__(self):
        return f"{self.beneficiary} · {self.clause}"

    @property
    def to_person(self) -> bool:
        return bool(self.person_id_card)

    @property
    def beneficiary(self) -> str:
        """The name shown: the enterprise's, or the person's."""
        return self.person_name if self.to_person else self.enterprise.name

    @property
    def beneficiary_code(self) -> str:
        """USCC of an enterprise; a person's ID number is always shown masked."""
        return mask_id_card(self.person_id_card) if self.to_person else self.enterprise.uscc

    def beneficiary_code_for(self, user) -> str:
        if not self.to_person:
            return self.enterprise.uscc
        own = normalize(getattr(user, "id_card", "") or "") if is_citizen(user) else ""
        return self.person_id_card if own == self.person_id_card else mask_id_card(self.person_id_card)

    @property
    def account_no_masked(self) -> str:
        """A personal bank card shows its last four digits only; enterprise accounts are shown whole."""
        if not self.to_person or not self.account_no:
            return self.account_no
        return "*" * (len(self.account_no) - 4) + self.account_no[-4:]


class AwardEvent(models.Model):
    award = models.ForeignKey(
        Award, verbose_name=_("兑现记录"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=12)
    to_state = models.CharField(_("新状态"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = AwardPartQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = _("兑现流转记录")

    def __str__(self):
        return f"{self.award_id} {self.action}"


class LedgerEntry(models.Model):
    """One immutable movement of budget money. Never updated or deleted; corrections are new entries."""

    class Kind(models.TextChoices):
        RESERVE = "reserve", _("预留")
        RELEASE = "release", _("释放")
        PAY = "pay", _("拨付")
        CLAWBACK = "clawback", _("追回")

    budget = models.ForeignKey(
        Budget, verbose_name=_("预算"), on_delete=models.PROTECT, related_name="entries"
    )
    award = models.ForeignKey(
        Award, verbose_name=_("兑现记录"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    amount = money(_("金额（元）"))
    reference = models.CharField(_("凭证/银行流水号"), max_length=80, blank=True)
    memo = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("记账时间"), default=timezone.now)

    objects = FundsQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = _("资金台账")
        constraints = [
            models.CheckConstraint(
                name="ledger_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message="台账金额必须大于 0",
            ),
            models.UniqueConstraint(
                fields=["award", "kind"],
                condition=~Q(kind="clawback"),  # an award may be recovered in parts
                name="unique_ledger_movement_per_award",
                violation_error_message="该兑现记录已有同类资金变动",
            ),
        ]
        indexes = [models.Index(fields=["budget", "kind"], name="ledger_budget_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("台账记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("台账记录不可删除")


class PaymentBatch(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("待导出")
        EXPORTED = "exported", _("已导出待拨付")
        PAID = "paid", _("已拨付")
        CANCELLED = "cancelled", _("已作废")

    code = models.CharField(_("批次号"), max_length=30, unique=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    exported_at = models.DateTimeField(_("导出时间"), null=True, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    objects = FundsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("拨付批次")

    def __str__(self):
        return self.code


class PaymentItem(models.Model):
    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("拨付批次"), on_delete=models.PROTECT, related_name="items"
    )
    award = models.ForeignKey(
        Award, verbose_name=_("兑现记录"), on_delete=models.PROTECT, related_name="payment_items"
    )
    amount = money(_("金额（元）"))
    bank_reference = models.CharField(_("银行流水号"), max_length=80, blank=True)
    # the batch was cancelled before payment: the row stays for the record, the award may be batched again
    withdrawn = models.BooleanField(_("已移出"), default=False)

    objects = FundsQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = verbose_name_plural = _("拨付明细")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "award"],
                name="unique_payment_batch_award",
                violation_error_message="该兑现记录已在本批次中",
            ),
            models.UniqueConstraint(
                fields=["award"],
                condition=models.Q(withdrawn=False),
                name="unique_payment_per_award",
                violation_error_message="该兑现记录已列入拨付批次",
            ),
        ]

    def __str__(self):
        return f"{self.batch_id} · {self.award_id}"


class Notification(models.Model):
    """An in-app notice to an enterprise (newly eligible, award noticed, paid …)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="policy_notifications",
    )
    clause = models.ForeignKey(
        Clause, verbose_name=_("兑现事项"), null=True, blank=True, on_delete=models.CASCADE
    )
    kind = models.CharField(_("类型"), max_length=20, default="eligible")
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("政策消息")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "clause", "kind"],
                name="unique_policy_notification",
                violation_error_message="已发送过该通知",
            )
        ]

    def __str__(self):
        return self.message
