from organization import permissions


def roles(request) -> dict:
    """The roles the navigation shows links for."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": set()}
    return {"user_roles": permissions.roles_of(user)}
