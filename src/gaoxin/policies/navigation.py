"""Navigation entries this app adds for a user (collected by accounts.context_processors)."""


def nav_items(user) -> list[tuple[str, str]]:
    return []
