"""Cards this app puts on a user's home page: figures that need the user's attention, with a link."""


def cards(user) -> list[dict]:
    """Each card: {"label": str, "value": int | str, "url": str, "tone": "" | "warn" | "bad"}."""
    return []
