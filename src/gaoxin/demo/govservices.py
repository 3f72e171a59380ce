"""Demo data of the govservices pillar (a step of demo.generator)."""


def build(ctx: dict) -> None:
    """Add this pillar's demo rows; ctx holds rng, as_of, log, enterprises, departments."""
