"""A JSON parser that refuses what the standard one would crash on or guess at."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """JSON with a nesting limit; very deep documents are a 400, never a RecursionError."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read() if stream is not None else b""
        if not raw:
            raise ParseError("The request body is empty; send a JSON document.")
        limit = settings.API_MAX_JSON_DEPTH
        # Count brackets first: the decoder itself recurses and would overflow the stack.
        depth = 0
        in_string = escaped = False
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        for char in text:
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char in "[{":
                depth += 1
                if depth > limit:
                    raise ParseError(f"JSON is nested more than {limit} levels deep.")
            elif char in "]}":
                depth -= 1
        try:
            data = json.loads(raw, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"Malformed JSON: {exc}") from exc
        return data


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")
