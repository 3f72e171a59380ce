"""Application drafts (申请草稿): an application filled in steps, saved and resumed by its owner only."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.core.tenancy import TenantQuerySet, active_user

from .catalogue import ServiceItem


class ApplicationDraftQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Only the person who started a draft ever sees it (not the enterprise's other users, not staff)."""
        return self.filter(owner_id=user.pk) if active_user(user) else self.none()


class ApplicationDraftFileQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.filter(draft__owner_id=user.pk) if active_user(user) else self.none()


class ApplicationDraft(models.Model):
    class Step(models.TextChoices):
        FORM = "form", _("填写申请表")
        MATERIALS = "materials", _("上传材料")
        COMMITMENT = "commitment", _("告知承诺")
        PREVIEW = "preview", _("预览确认")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="+")
    # The token becomes the submission's idempotency key: a second submit of the same draft finds its case.
    token = models.UUIDField(_("草稿标识"), default=uuid.uuid4, unique=True, editable=False)
    data = models.JSONField(_("申请表内容"), default=dict, blank=True)
    choices = models.JSONField(_("引用证照"), default=dict, blank=True)
    commitment = models.BooleanField(_("已签署告知承诺"), default=False)
    applicant = models.CharField(_("申请人账户"), max_length=150, blank=True)
    step = models.CharField(_("当前步骤"), max_length=10, choices=Step.choices, default=Step.FORM)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("保存时间"))

    objects = ApplicationDraftQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("申请草稿")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "item"],
                name="application_draft_one_per_item",
                violation_error_message="已有草稿",
            )
        ]

    def __str__(self):
        return f"{self.item_id} · {self.owner_id}"


class ApplicationDraftFile(models.Model):
    draft = models.ForeignKey(
        ApplicationDraft, verbose_name=_("草稿"), on_delete=models.CASCADE, related_name="files"
    )
    # The material's number in the item's list (stable across a new version of the item).
    order = models.PositiveSmallIntegerField(_("材料序号"))
    file = models.FileField(_("文件"), upload_to="drafts/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)

    objects = ApplicationDraftFileQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("草稿材料文件")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "order"],
                name="application_draft_file_one_per_material",
                violation_error_message="该材料已上传",
            )
        ]

    def __str__(self):
        return self.original_name
