"""Collection: imports."""
