"""Form fields shared by every page: identifiers validated by core.identifiers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .identifiers import check_id_card, check_uscc


class _IdentifierField(forms.CharField):
    checker = None

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        result = type(self).checker(value)
        if not result.valid:
            raise forms.ValidationError(result.message)
        return result.normalized


class UsccField(_IdentifierField):
    checker = staticmethod(check_uscc)


class IdCardField(_IdentifierField):
    checker = staticmethod(check_id_card)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=[("holiday", _("休息日")), ("workday", _("工作日"))])
    note = forms.CharField(label=_("说明"), max_length=100, required=False)


class CalendarLoadForm(forms.Form):
    file = forms.FileField(label=_("年度节假日文件（JSON）"))
