"""Django's zh-Hans formats plus digit grouping, which Django leaves out: 1,234,567.89 元 reads at a glance.
Grouping applies where a template asks for it (intcomma, floatformat:"g"); years and ids stay ungrouped."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
