"""Form fields shared by every page: identifiers validated by core.identifiers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .calendar import OutOfRange, check_year
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
    """One day of the calendar grid: working or not, and why (the service checks the rest)."""

    date = forms.DateField(
        label=_("日期"),
        widget=forms.HiddenInput,
        error_messages={"invalid": _("日期应为 YYYY-MM-DD 格式的有效日期"), "required": _("缺少日期")},
    )
    kind = forms.ChoiceField(
        label=_("这一天"),
        choices=[("workday", _("上班（工作日）")), ("holiday", _("不上班（休息日）"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择上班或不上班"), "invalid_choice": _("请选择上班或不上班")},
    )
    note = forms.CharField(
        label=_("调整原因"),
        max_length=100,
        help_text=_("例如：台风停工、区政府通知补班；记入审计日志"),
        error_messages={"required": _("请填写调整原因"), "max_length": _("调整原因不能超过 100 个字")},
    )


class CalendarYearQuery(forms.Form):
    """The calendar page's address: ?year=2026, or ?day=2026-02-14 for one day's form."""

    year = forms.IntegerField(
        required=False,
        error_messages={"invalid": _("年份应为整数，例如 2026")},
    )
    day = forms.DateField(
        required=False,
        error_messages={"invalid": _("日期应为 YYYY-MM-DD 格式的有效日期")},
    )

    def clean(self):
        data = super().clean()
        for name in ("year", "day"):
            value = data.get(name)
            year = value.year if name == "day" and value else value
            if year is None:
                continue
            try:
                check_year(year)
            except OutOfRange as exc:
                self.add_error(name, exc.message)
        return data


class CalendarLoadForm(forms.Form):
    file = forms.FileField(label=_("年度节假日文件（JSON）"))
