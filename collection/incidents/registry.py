"""Navigation entries and dashboard panels of collection's incidents."""


def register() -> None:
    """Register navigation entries and panels (called from CollectionConfig.ready)."""
