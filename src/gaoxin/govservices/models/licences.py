"""Electronic licences (电子证照): signed fields, a PDF, a public verification token."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import is_citizen, is_staff_member, verified_uscc
from gaoxin.core.tenancy import TenantQuerySet

from .catalogue import ServiceItem


class LicenceQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """The holder enterprise's verified users; the citizen who applied; staff who see the case."""
        from .cases import Case

        uscc = verified_uscc(user)
        if uscc:
            return self.filter(holder_id=uscc)
        if is_citizen(user):
            return self.filter(case__applicant=user, case__enterprise_uscc="")
        if is_staff_member(user):
            return self.through("case", Case.objects.visible_to(user))
        return self.none()


class Licence(models.Model):
    class State(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField(_("证照编号"), max_length=32, unique=True)
    token = models.CharField(_("核验令牌"), max_length=40, unique=True)
    case = models.OneToOneField(
        "Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="licence"
    )
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("证照名称"), max_length=120)
    holder_name = models.CharField(_("持证主体"), max_length=120)
    holder_id = models.CharField(_("持证主体代码"), max_length=18, db_index=True)
    issuer = models.CharField(_("发证机关"), max_length=60)
    issued_on = models.DateField(_("发证日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    content = models.JSONField(_("证照内容"), default=dict, blank=True)
    key_id = models.CharField(_("签名密钥"), max_length=40)
    signature = models.CharField(_("签名"), max_length=200)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.VALID)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销理由"), blank=True)
    pdf = models.FileField(_("证照文件"), upload_to="licences/", blank=True)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = verbose_name_plural = _("电子证照")

    def __str__(self):
        return f"{self.title} {self.number}"
