"""`{% load amounts %}`: `{{ value|amount }}` shows an amount of yuan in 元/万元/亿元 with the exact yuan
on hover; `{{ value|amount:"万元" }}` fixes the unit (for a column whose amounts share one);
`{% chart_data spec "element-id" %}` hands a chart's data to static/gaoxin/charts.js."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import mark_safe

from gaoxin.core import amounts

register = template.Library()

_UNITS = {"元": amounts.YUAN, "万元": amounts.WAN, "亿元": amounts.YI}


@register.filter
def amount(value, unit: str = ""):
    if value is None or value == "":
        return "—"
    scale = _UNITS.get(unit) or amounts.scale_for([value])
    return format_html(
        '<span class="amount" title="{}">{}</span>', amounts.exact(value), amounts.shown(value, scale)
    )


@register.simple_tag
def chart_data(spec: dict, target: str):
    """The data of a chart (core.amounts.chart) for static/gaoxin/charts.js to draw into element `target`."""
    # escaped for a <script> element exactly as django.utils.html.json_script does
    text = json.dumps(spec, cls=DjangoJSONEncoder).translate(_json_script_escapes)
    return format_html('<script type="application/json" data-chart="{}">{}</script>', target, mark_safe(text))  # noqa: S308
