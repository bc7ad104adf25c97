"""Collection: entities."""
