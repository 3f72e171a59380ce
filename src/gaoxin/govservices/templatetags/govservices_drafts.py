"""{% my_drafts as drafts %}: the signed-in person's unsubmitted application drafts."""

from django import template

from ..services.drafts import draft_list

register = template.Library()


@register.simple_tag(takes_context=True)
def my_drafts(context):
    user = context["request"].user
    return list(draft_list(user=user)[:20])
