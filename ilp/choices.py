"""Vocabularies shared by every stage."""

from django.db import models


class Classification(models.IntegerChoices):
    """Government Security Classification levels, lowest first; clearances use them too."""

    OFFICIAL = 1, "OFFICIAL"
    OFFICIAL_SENSITIVE = 2, "OFFICIAL-SENSITIVE"
    SECRET = 3, "SECRET"
    TOP_SECRET = 4, "TOP SECRET"
