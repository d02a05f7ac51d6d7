"""A homework item's feedback written in Python: no page loads it any more (the session
pages use templates/sessions_app/includes/feedback_list.html); the module is to go."""

import html

from django import template
from django.utils.safestring import mark_safe

from sessions_app.templatetags.care import moment

register = template.Library()


# A homework item's feedback, on both session pages: what includes/feedback_list.html writes,
# for each item on a page of ten.
FEEDBACK_LIST = """
<div class="mt-2">
  <h4 class="h6">Feedback</h4>
  <ul class="list-unstyled vstack gap-2">
    {items}
  </ul>
</div>
"""
FEEDBACK_LIST_ITEM = """
    <li class="border-start border-3 border-success ps-2">
      <div class="small text-body-secondary"><strong class="text-body">{author_name}</strong> · \
{created_at}</div>
      <div class="text-prewrap">{body}</div>
    </li>
    """


@register.simple_tag
def feedback_list(feedback):
    """A homework item's feedback, oldest first: rows of author_name, created_at and body
    (SessionPageData.feedback), not empty. Every value is escaped (html.escape is what
    django.utils.html.escape applies)."""
    items = "".join(
        FEEDBACK_LIST_ITEM.format(
            author_name=html.escape(item["author_name"]),
            created_at=moment(item["created_at"]),
            body=html.escape(item["body"]),
        )
        for item in feedback
    )
    return mark_safe(FEEDBACK_LIST.format(items=items))  # noqa: S308 - every value escaped
