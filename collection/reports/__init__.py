"""Collection: reports."""
