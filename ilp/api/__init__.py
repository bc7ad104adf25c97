"""The API foundation: authentication, parsing, pagination, errors and base viewsets."""
