"""Navigation entries and dashboard panels of collection's reports."""


def register() -> None:
    """Register navigation entries and panels (called from CollectionConfig.ready)."""
