"""OpenAPI post-processing: document the common error responses on every operation."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}

_COMMON = {
    "400": "Invalid input: malformed JSON, a bad parameter or a refused value.",
    "401": "Missing, wrong, expired or revoked credentials.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "No such object, or not visible to the caller.",
    "405": "Method not allowed on this path.",
    "406": "Cannot answer in the requested media type.",
    "413": "The request body is over the size limit.",
    "415": "Unsupported media type in the request body.",
    "429": "Too many requests.",
}


def add_error_responses(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """Add the error responses (in the common Error format) that any operation can give."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in _COMMON.items():
                if code in {"413", "415"} and method in {"get", "delete"}:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result
