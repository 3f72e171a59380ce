"""The forms of the government services pages (the services check the rest and answer in Chinese)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import Department

from .models import Hall, Window


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class HallForm(forms.Form):
    """A hall; its code only when it is created (the code is how the hall is named in URLs)."""

    code = forms.RegexField(
        label=_("大厅代码"),
        regex=r"^[-a-zA-Z0-9_]+$",
        max_length=_max(Hall, "code"),
        help_text=_("字母、数字、下划线或连字符，建成后不可更改"),
        error_messages={"invalid": _("大厅代码只能由字母、数字、下划线和连字符组成")},
    )
    name = forms.CharField(label=_("大厅名称"), max_length=_max(Hall, "name"))
    district = forms.CharField(label=_("所在区县"), max_length=_max(Hall, "district"))
    in_zone = forms.BooleanField(
        label=_("本区大厅（否则为市内其他大厅，全城通办）"), required=False, initial=True
    )
    slot_minutes = forms.IntegerField(label=_("预约时段（分钟）"), min_value=10, max_value=120, initial=30)
    slot_capacity = forms.IntegerField(label=_("每时段可预约人数"), min_value=1, max_value=200, initial=4)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=9999, initial=100)
    revision = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if edit:
            del self.fields["code"]


ITEM_SPLIT = re.compile(r"[\s,，、;；]+")


class WindowForm(forms.Form):
    """A window; its number only when it is set up. The items a 专项窗口 takes are typed as item
    codes, one per line (or separated by commas); the service checks each against the catalogue."""

    number = forms.CharField(label=_("窗口号"), max_length=_max(Window, "number"))
    kind = forms.ChoiceField(label=_("窗口类型"), choices=Window.Kind.choices, initial=Window.Kind.GENERAL)
    department = forms.ModelChoiceField(
        label=_("所属部门"), queryset=Department.objects.filter(active=True), to_field_name="code"
    )
    items = forms.CharField(
        label=_("可受理事项编码（专项窗口）"),
        required=False,
        max_length=6500,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "000000000001\n000000000002"}),
        help_text=_("每行一个事项基本编码，或以逗号分隔；综合窗口无差别全科受理，不必填写"),
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    revision = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if edit:
            del self.fields["number"]

    def clean_items(self) -> list[str]:
        codes = [c for c in ITEM_SPLIT.split(self.cleaned_data.get("items") or "") if c]
        too_long = [c for c in codes if len(c) > 12]
        if too_long:
            raise forms.ValidationError(
                _("事项编码不超过 12 位：%(codes)s") % {"codes": "、".join(too_long[:5])}
            )
        return codes
