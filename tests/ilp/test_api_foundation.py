"""The API foundation: token authentication, one error format, refusals of bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from ilp import services
from ilp.models import ApiToken, User

pytestmark = pytest.mark.django_db

ME = "/api/v1/core/me/"
TOKENS = "/api/v1/core/tokens/"


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def analyst_key(analyst: User) -> str:
    return services.token_create(actor=analyst, name="tests").key


def test_a_valid_token_authenticates(analyst_key: str) -> None:
    response = token_client(analyst_key).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "analyst"
    assert body["agency"]["code"] == "HOME"
    assert body["roles"] == ["analyst"]


def test_missing_token_is_401_in_the_common_format(api_client: APIClient) -> None:
    assert_error(api_client.get(ME), 401, "not_authenticated")


def test_wrong_token_is_401(analyst_key: str) -> None:
    error = assert_error(token_client("x" + analyst_key[1:]).get(ME), 401)
    assert error["message"] == "Invalid token."


def test_revoked_token_is_401(analyst: User, analyst_key: str) -> None:
    token = ApiToken.objects.get(digest=ApiToken.digest_of(analyst_key))
    services.token_revoke(actor=analyst, token=token)
    error = assert_error(token_client(analyst_key).get(ME), 401)
    assert "revoked" in error["message"]


def test_expired_token_is_401(analyst: User, analyst_key: str) -> None:
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    error = assert_error(token_client(analyst_key).get(ME), 401)
    assert "expired" in error["message"]


def test_token_of_a_deactivated_user_is_401(analyst: User, analyst_key: str) -> None:
    User.objects.filter(pk=analyst.pk).update(is_active=False)
    assert_error(token_client(analyst_key).get(ME), 401)


def test_only_a_digest_of_the_key_is_stored(analyst: User, analyst_key: str) -> None:
    token = ApiToken.objects.get(user=analyst)
    assert analyst_key not in {token.digest, token.prefix, token.name}
    assert token.digest == ApiToken.digest_of(analyst_key)


def test_unknown_api_url_is_a_json_404(as_analyst: APIClient) -> None:
    assert_error(as_analyst.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_malformed_json_is_a_400(as_analyst: APIClient) -> None:
    response = as_analyst.post(TOKENS, data='{"name": ', content_type="application/json")
    assert "Malformed JSON" in assert_error(response, 400, "parse_error")["message"]


def test_deeply_nested_json_is_a_400_not_a_crash(as_analyst: APIClient) -> None:
    body = "[" * 5000 + "]" * 5000
    response = as_analyst.post(TOKENS, data=body, content_type="application/json")
    assert "nested" in assert_error(response, 400, "parse_error")["message"]


def test_nan_is_not_accepted_as_json(as_analyst: APIClient) -> None:
    response = as_analyst.post(TOKENS, data='{"name": NaN}', content_type="application/json")
    assert_error(response, 400, "parse_error")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_body_over_the_size_limit_is_a_413(as_analyst: APIClient) -> None:
    body = json.dumps({"name": "x" * 2048})
    response = as_analyst.post(TOKENS, data=body, content_type="application/json")
    assert "limit is 1024 bytes" in assert_error(response, 413, "request_too_large")["message"]


def test_date_time_without_a_time_zone_is_refused(as_analyst: APIClient) -> None:
    response = as_analyst.post(TOKENS, {"name": "rms", "expires_at": "2027-01-01T10:00:00"})
    error = assert_error(response, 400, "invalid")
    assert "time zone" in error["message"]
    assert error["details"]["expires_at"]
    assert not ApiToken.objects.exists()


def test_year_0861_is_refused(as_analyst: APIClient) -> None:
    response = as_analyst.post(TOKENS, {"name": "rms", "expires_at": "0861-01-01T10:00:00Z"})
    assert "0861" in assert_error(response, 400, "invalid")["message"]


def test_expiry_in_the_past_is_refused(as_analyst: APIClient) -> None:
    response = as_analyst.post(TOKENS, {"name": "rms", "expires_at": "2001-01-01T10:00:00Z"})
    assert "future" in assert_error(response, 400, "invalid")["message"]


def test_missing_required_field_names_the_field(as_analyst: APIClient) -> None:
    error = assert_error(as_analyst.post(TOKENS, {}), 400, "invalid")
    assert error["message"].startswith("name:")


def test_issuing_a_token_returns_its_key_once(as_analyst: APIClient, analyst: User) -> None:
    expires = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S+01:00")
    response = as_analyst.post(TOKENS, {"name": "rms", "expires_at": expires})
    assert response.status_code == 201
    key = response.json()["key"]
    assert token_client(key).get(ME).status_code == 200
    listed = as_analyst.get(TOKENS).json()
    assert "key" not in listed["results"][0]
    assert listed["results"][0]["name"] == "rms"


def test_token_list_uses_cursor_pagination(as_analyst: APIClient, analyst: User) -> None:
    for n in range(3):
        services.token_create(actor=analyst, name=f"t{n}")
    first = as_analyst.get(TOKENS, {"page_size": 2}).json()
    assert set(first) == {"next", "previous", "results"}
    assert [t["name"] for t in first["results"]] == ["t2", "t1"]
    second = as_analyst.get(first["next"]).json()
    assert [t["name"] for t in second["results"]] == ["t0"]


def test_another_users_token_is_a_404(as_analyst: APIClient, outsider: User) -> None:
    theirs = services.token_create(actor=outsider, name="theirs").token
    assert_error(as_analyst.get(f"{TOKENS}{theirs.pk}/"), 404)
    assert_error(as_analyst.post(f"{TOKENS}{theirs.pk}/revoke/"), 404)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_twice_keeps_the_first_time(as_analyst: APIClient, analyst: User) -> None:
    token = services.token_create(actor=analyst, name="t").token
    first = as_analyst.post(f"{TOKENS}{token.pk}/revoke/").json()
    second = as_analyst.post(f"{TOKENS}{token.pk}/revoke/").json()
    assert first["revoked_at"] == second["revoked_at"]
    assert first["is_active"] is False


def test_units_list_shows_only_the_callers_agency(
    as_analyst: APIClient, partner: User, outsider: User
) -> None:
    codes = {u["code"] for u in as_analyst.get("/api/v1/core/units/").json()["results"]}
    assert codes == {"INTEL", "NHT"}
    assert partner.unit is not None
    assert_error(as_analyst.get(f"/api/v1/core/units/{partner.unit.pk}/"), 404)


def test_schema_and_docs_are_served_from_local_files(as_analyst: APIClient) -> None:
    schema = as_analyst.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = as_analyst.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "//cdn" not in html
    assert "unpkg" not in html


def test_a_non_numeric_content_length_is_a_400(as_analyst: APIClient) -> None:
    response = as_analyst.generic(
        "POST", TOKENS, data="{}", content_type="application/json", CONTENT_LENGTH="lots"
    )
    assert_error(response, 400, "bad_request")


def test_a_body_that_is_not_json_is_a_415(as_analyst: APIClient) -> None:
    response = as_analyst.post(
        TOKENS, data="name=x", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415, "unsupported_media_type")


def test_a_wrong_method_is_a_405_in_the_common_format(as_analyst: APIClient) -> None:
    assert_error(as_analyst.delete(ME), 405, "method_not_allowed")


def test_schema_and_docs_are_for_signed_in_users_only(api_client: APIClient) -> None:
    assert_error(api_client.get("/api/v1/schema/"), 401)
    assert api_client.get("/api/v1/docs/").status_code in {401, 403}
