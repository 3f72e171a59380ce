"""Forms of the economy pillar's pages: a paragraph of the yearly review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReviewSection
from .services.review import NARRATIVE_MAX


class NarrativeForm(forms.Form):
    section = forms.ChoiceField(choices=ReviewSection.choices, widget=forms.HiddenInput)
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("正文"),
        required=False,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每段一行；报告中的数字由平台计算，不必在此填写。"),
    )
