"""Offence names to OffenceType ids, in bulk. Names match case- and spacing-insensitively; an
unknown name is added flagged ``needs_review`` (its harm weight is for an administrator to set),
never refused: a crime record is worth keeping even when its offence is new to the table."""

from __future__ import annotations

from collections.abc import Iterable

from collection.models import OffenceType


def offence_key(name: str) -> str:
    """The form names are matched in: spacing collapsed, case folded."""
    return " ".join(name.split()).casefold()


class OffenceResolver:
    """Resolves names for one import; holds what it has learnt, so each name is looked up once."""

    def __init__(self) -> None:
        self._ids: dict[str, int] | None = None
        self.added: list[str] = []

    def _known(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {}
            # Oldest first, so of two spellings that differ only in case the first one wins.
            for pk, name in OffenceType.objects.order_by("id").values_list("id", "name"):
                self._ids.setdefault(offence_key(name), pk)
        return self._ids

    def new_names(self, names: Iterable[str]) -> list[str]:
        """The names (first spelling of each) not yet in the offence table."""
        known = self._known()
        fresh: dict[str, str] = {}
        for name in names:
            key = offence_key(name)
            if key not in known:
                fresh.setdefault(key, name)
        return sorted(fresh.values())

    def ids(self, names: Iterable[str]) -> dict[str, int]:
        """Each name's id, adding the unknown ones (flagged for review) in one query."""
        names = set(names)
        fresh = self.new_names(names)
        known = self._known()
        if fresh:
            OffenceType.objects.bulk_create(
                [OffenceType(name=name, needs_review=True) for name in fresh],
                ignore_conflicts=True,
            )
            for pk, name in OffenceType.objects.filter(name__in=fresh).values_list("id", "name"):
                known.setdefault(offence_key(name), pk)
            self.added += fresh
        return {name: known[offence_key(name)] for name in names}
