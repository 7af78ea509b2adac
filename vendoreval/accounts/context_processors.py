def membership(request):
    """The signed-in user's organisation memberships, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"memberships": list(user.memberships.select_related("organisation"))}
