from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Clause


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("政策名称"), max_length=200)
    issuer = forms.CharField(label=_("发文机关"), max_length=120)
    doc_no = forms.CharField(label=_("文号"), max_length=80, required=False)
    issued_on = forms.DateField(label=_("发布日期"), widget=forms.DateInput(attrs={"type": "date"}))
    tags = forms.CharField(label=_("标签"), max_length=200, required=False)


class ClauseForm(forms.Form):
    code = forms.SlugField(label=_("事项编码"), max_length=40)
    title = forms.CharField(label=_("兑现事项"), max_length=200)
    mode = forms.ChoiceField(label=_("兑现方式"), choices=Clause.Mode.choices)
    period = forms.IntegerField(label=_("兑现年度"), min_value=2000, max_value=2100)
    notice_days = forms.IntegerField(label=_("公示期（工作日）"), min_value=1, max_value=30, initial=5)
