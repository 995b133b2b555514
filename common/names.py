"""A person's name as Japanese reads it: family name first (姓 名).

Django's User.get_full_name() puts the given name first (「一郎 伊勢湾」); CommonConfig.ready
points it at ``user_display_name`` so every screen that names a user (Wagtail's history and
locks, notes, timelines, the partner portal) reads 「伊勢湾 一郎」. People in the CRM
(Person.full_name) are family name first already.
"""


def family_first(family: str, given: str) -> str:
    return f"{family or ''} {given or ''}".strip()


def split_name(name: str) -> tuple[str, str]:
    """「山田 太郎」 or 「山田　太郎」 → ("山田", "太郎"): the family name up to the first space,
    half- or full-width; a name without a space is all family name."""
    family, _space, given = (name or "").strip().replace("\u3000", " ").partition(" ")
    return family.strip(), given.strip()


def user_full_name(user) -> str:
    """姓 名 of a user account (last_name is the family name), or "" without a name."""
    return family_first(user.last_name, user.first_name)


def user_display_name(user) -> str:
    """The name shown for a user: 姓 名, else the username (sign-in name)."""
    if user is None:
        return ""
    return user_full_name(user) or user.get_username()


def use_family_name_first(user_model) -> None:
    user_model.get_full_name = user_full_name
