"""Tables of the core: calendar overrides, the audit chain, task runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import TenantQuerySet, active_user


class TaskRunQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Who started the run; system administrators see every run. A run nobody started (a worker's,
        a command's) is visible only to those who see every run."""
        if not active_user(user):
            return self.none()
        if user.has_perm("core.view_all_tasks"):
            return self
        return self.filter(created_by_id=user.pk)


class AuditEventQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self if active_user(user) and user.has_perm("core.view_audit") else self.none()


class CalendarDay(models.Model):
    """A date whose status overrides chinesecalendar: a holiday, or a 调休 workday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("休息日")
        WORKDAY = "workday", _("工作日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=100, blank=True)
    # A row is either a day of a loaded notice or a staff member's override. An override of a notice
    # day keeps what the notice said, so removing the override gives the notice's day back.
    by_staff = models.BooleanField(_("人工调整"), default=True)
    notice_kind = models.CharField(_("通知安排"), max_length=10, choices=Kind.choices, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = _("工作日调整")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose holidays and 调休 workdays were transcribed from the State Council notice."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = _("已载入的年度日历")

    def __str__(self):
        return str(self.year)


class AuditEvent(models.Model):
    """One row of the append-only audit log. Appended without a chain position; the sealing step
    later gives it its place (seq) and links it to the previous row by SHA-256, once."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True, null=True, blank=True)
    at = models.DateTimeField(_("时间"))
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True)
    actor = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象"), max_length=80, blank=True)
    summary = models.JSONField(_("变更摘要"), default=dict, blank=True)
    request_id = models.CharField(_("请求号"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True, default="")
    hash = models.CharField(_("哈希"), max_length=64, unique=True, null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The sealer's queue: only events not yet in the chain, in append order.
            models.Index(fields=["id"], name="audit_unsealed_idx", condition=models.Q(seq__isnull=True)),
        ]
        verbose_name = verbose_name_plural = _("审计日志")

    def __str__(self):
        return f"#{self.seq} {self.action}" if self.seq is not None else f"（待封存）{self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class AuditHead(models.Model):
    """The single row holding the chain's tip. Only the sealer locks it, never a writer."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"


class TaskRun(models.Model):
    """Progress and outcome of one piece of long work, shown on its page and in the CLI."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    name = models.CharField(_("任务"), max_length=120)
    subject = models.CharField(_("对象"), max_length=60, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Which process runs it (host:pid:start token) and when it last reported: a run whose process
    # died (SIGKILL, lost machine) is found by these and marked failed when a worker starts.
    worker = models.CharField(_("执行进程"), max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)

    objects = TaskRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("后台任务")

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class MessageQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """A message is its recipient's alone."""
        return self.filter(recipient_id=user.pk) if active_user(user) else self.none()


class DeliveryQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("message", Message.objects.visible_to(user))


class Message(models.Model):
    """One message the platform sends a person (the outbox). It is the site message itself; each
    other channel it goes out on has a Delivery row with its own state."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("受理通知")
        CORRECTION = "correction", _("补正通知")
        DEADLINE = "deadline", _("期限提醒")
        RESULT = "result", _("办理结果")
        RATING = "rating", _("评价")
        CARD = "card", _("电子监察")
        OTHER = "other", _("其他")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    subject = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("发送时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="message_recipient_idx")]
        verbose_name = verbose_name_plural = _("消息")

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One message on one channel: pending until sent, retried with backoff, given up after the
    last attempt. The site channel is delivered when the message is written."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败")

    message = models.ForeignKey(
        Message, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=10)
    address = models.CharField(_("地址"), max_length=254, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["message", "channel"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due_idx",
                condition=models.Q(state="pending"),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "channel"],
                name="delivery_unique",
                violation_error_message="同一消息在同一渠道只发送一次",
            )
        ]
        verbose_name = verbose_name_plural = _("消息投递")

    def __str__(self):
        return f"{self.message_id} · {self.channel}"
