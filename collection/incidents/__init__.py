"""Collection: incidents."""
