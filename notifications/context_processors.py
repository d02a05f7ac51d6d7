from . import selectors


def bell(request):
    """The header's unread count, as a callable: a page that shows no header pays nothing,
    and a page that shows it pays one query (memoised on the request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.role:
        return {}
    return {"unread_notifications": lambda: selectors.unread_count(user=user, request=request)}
