"""Navigation entries this app adds for a user (registered with core.pillars in apps.py)."""


def nav_items(user) -> list[tuple[str, str]]:
    return []
