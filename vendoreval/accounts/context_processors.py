from django.utils.functional import SimpleLazyObject


def membership(request):
    """The signed-in user's organisation memberships, for the navigation; read only when a template shows them (an
    autosave fragment does not)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"memberships": SimpleLazyObject(lambda: list(user.memberships.select_related("organisation")))}
