"""The forms of the innovation pages (the services check the rest and answer in Chinese)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import Department
from gaoxin.core.forms import UsccField
from gaoxin.enterprises.models import Qualification

from .models import (
    Appointment,
    Expert,
    Incubation,
    InnovationCarrier,
    Level,
    Postdoc,
    PostdocStation,
    TechContract,
    Transfer,
)
from .services.carriers import MAX_PERIOD_MONTHS
from .services.records import RD_KINDS

# A date input takes ISO dates only: the zh-hans input format (2026/12/03) would leave it empty.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 18, "decimal_places": 2}


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class CarrierForm(forms.Form):
    kind = forms.ChoiceField(label=_("载体类型"), choices=InnovationCarrier.Kind.choices)
    name = forms.CharField(label=_("载体名称"), max_length=_max(InnovationCarrier, "name"))
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices, initial=Level.CITY)
    operator_uscc = UsccField(label=_("运营主体统一社会信用代码"), required=False)
    area = forms.DecimalField(
        label=_("面积（㎡）"), required=False, min_value=1, max_digits=12, decimal_places=2
    )
    recognised_on = forms.DateField(label=_("认定日期"), required=False, widget=DATE)


class AdmitForm(forms.Form):
    enterprise_uscc = UsccField(label=_("入驻企业统一社会信用代码"))
    entered_on = forms.DateField(label=_("入驻日期"), widget=DATE)
    period_months = forms.IntegerField(
        label=_("孵化期（月）"), min_value=1, max_value=MAX_PERIOD_MONTHS, initial=36
    )


class IncubationActionForm(forms.Form):
    incubation = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("graduate", _("毕业")), ("exit", _("退出")), ("extend", _("延长孵化期"))]
    )
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("说明"), required=False, max_length=_max(Incubation, "reason"))
    months = forms.IntegerField(label=_("延长月数"), required=False, min_value=1, max_value=MAX_PERIOD_MONTHS)


class ContractForm(forms.Form):
    number = forms.CharField(label=_("登记号"), max_length=_max(TechContract, "number"))
    name = forms.CharField(label=_("合同名称"), max_length=_max(TechContract, "name"))
    kind = forms.ChoiceField(label=_("合同类别"), choices=TechContract.Kind.choices)
    seller_uscc = UsccField(label=_("卖方统一社会信用代码"))
    buyer = forms.CharField(label=_("买方（技术吸纳方）"), max_length=_max(TechContract, "buyer"))
    amount = forms.DecimalField(label=_("合同成交额（元）"), min_value=0.01, **MONEY)
    tech_amount = forms.DecimalField(label=_("技术交易额（元）"), min_value=0, **MONEY)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    registered_on = forms.DateField(label=_("认定登记日期"), widget=DATE)
    case_number = forms.CharField(
        label=_("登记办件编号"), required=False, max_length=_max(TechContract, "case_number")
    )


class RdCentreForm(forms.Form):
    enterprise_uscc = UsccField(label=_("企业统一社会信用代码"))
    kind = forms.ChoiceField(label=_("类型"), choices=[(k.value, k.label) for k in RD_KINDS])
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices)
    certificate_no = forms.CharField(
        label=_("认定文号或证书编号"), max_length=_max(Qualification, "certificate_no")
    )
    valid_from = forms.DateField(label=_("有效期起"), widget=DATE)
    valid_to = forms.DateField(label=_("有效期止"), required=False, widget=DATE)


class StationForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PostdocStation.Kind.choices)
    name = forms.CharField(label=_("工作站名称"), max_length=_max(PostdocStation, "name"))
    established_on = forms.DateField(label=_("设站日期"), widget=DATE)
    host_uscc = UsccField(label=_("设站企业统一社会信用代码（分站必填）"), required=False)
    parent_id = forms.TypedChoiceField(
        label=_("所属工作站（分站必填）"), coerce=int, required=False, empty_value=None
    )
    partner = forms.CharField(
        label=_("合作高校或科研院所"), required=False, max_length=_max(PostdocStation, "partner")
    )

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_id"].choices = [("", "—")] + [
            (s.pk, s.name) for s in stations if s.kind == PostdocStation.Kind.STATION
        ]


class PostdocForm(forms.Form):
    station = forms.TypedChoiceField(label=_("工作站"), coerce=int)
    name = forms.CharField(label=_("姓名"), max_length=_max(Postdoc, "name"))
    id_card = forms.CharField(label=_("居民身份证号"), max_length=18)
    field = forms.CharField(label=_("研究方向"), max_length=_max(Postdoc, "field"))
    supervisor = forms.CharField(label=_("合作导师"), required=False, max_length=_max(Postdoc, "supervisor"))
    entered_on = forms.DateField(label=_("进站日期"), widget=DATE)
    months = forms.IntegerField(label=_("在站期限（月）"), min_value=1, max_value=72, initial=24)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [(s.pk, s.name) for s in stations]


class PostdocLeaveForm(forms.Form):
    postdoc = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    on = forms.DateField(label=_("日期"), widget=DATE)
    completed = forms.TypedChoiceField(
        label=_("方式"),
        choices=[("1", _("期满出站")), ("0", _("提前退站"))],
        coerce=lambda v: v == "1",
    )


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=_max(Expert, "name"))
    organisation = forms.CharField(label=_("工作单位"), max_length=_max(Expert, "organisation"))
    title = forms.CharField(label=_("职称或职务"), required=False, max_length=_max(Expert, "title"))
    field = forms.CharField(label=_("专业领域"), max_length=_max(Expert, "field"))


class AppointmentForm(forms.Form):
    department_id = forms.ModelChoiceField(label=_("聘任部门"), queryset=Department.objects.all())
    field = forms.CharField(label=_("聘任领域"), max_length=_max(Appointment, "field"))
    term_from = forms.DateField(label=_("聘期起"), widget=DATE)
    term_to = forms.DateField(label=_("聘期止"), widget=DATE)

    def clean_department_id(self):
        return self.cleaned_data["department_id"].pk


class DismissForm(forms.Form):
    appointment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    on = forms.DateField(label=_("解聘日期"), widget=DATE)
    reason = forms.CharField(label=_("解聘原因"), max_length=_max(Appointment, "end_reason"))


class TransferForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=_max(Transfer, "name"))
    enterprise_uscc = UsccField(label=_("实施企业统一社会信用代码"))
    source = forms.CharField(label=_("成果来源"), max_length=_max(Transfer, "source"))
    transferred_on = forms.DateField(label=_("转化日期"), widget=DATE)
    major = forms.BooleanField(label=_("重大科技成果转化"), required=False)
    investment = forms.DecimalField(label=_("转化投入（元）"), required=False, min_value=0, **MONEY)
