"""The OpenAPI schema: complete, valid, without warnings; Swagger UI from our own files."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

OUR_OPERATIONS = {
    ("/api/v1/me/", "get"),
    ("/api/v1/surveys/", "get"),
    ("/api/v1/surveys/", "post"),
    ("/api/v1/surveys/import/", "post"),
    ("/api/v1/surveys/{id}/", "get"),
    ("/api/v1/surveys/{id}/", "patch"),
    ("/api/v1/surveys/{id}/", "delete"),
    ("/api/v1/surveys/{id}/publish/", "post"),
    ("/api/v1/surveys/{id}/close/", "post"),
    ("/api/v1/surveys/{id}/versions/", "get"),
    ("/api/v1/surveys/{id}/definition/", "get"),
    ("/api/v1/surveys/{id}/definition/", "put"),
    ("/api/v1/surveys/{id}/definition/", "post"),
    ("/api/v1/surveys/{id}/sections/", "get"),
    ("/api/v1/surveys/{id}/sections/", "post"),
    ("/api/v1/surveys/{id}/sections/{code}/", "get"),
    ("/api/v1/surveys/{id}/sections/{code}/", "patch"),
    ("/api/v1/surveys/{id}/sections/{code}/", "delete"),
    ("/api/v1/surveys/{id}/sections/{code}/questions/", "get"),
    ("/api/v1/surveys/{id}/sections/{code}/questions/", "post"),
    ("/api/v1/surveys/{id}/questions/", "get"),
    ("/api/v1/surveys/{id}/questions/{code}/", "get"),
    ("/api/v1/surveys/{id}/questions/{code}/", "patch"),
    ("/api/v1/surveys/{id}/questions/{code}/", "delete"),
    ("/api/v1/surveys/{id}/responses/", "get"),
    ("/api/v1/surveys/{id}/responses/", "post"),
    ("/api/v1/responses/", "get"),
    ("/api/v1/responses/{id}/", "get"),
    ("/api/v1/organizations/{org_id}/api-keys/", "get"),
    ("/api/v1/organizations/{org_id}/api-keys/", "post"),
    ("/api/v1/organizations/{org_id}/api-keys/{key_id}/revoke/", "post"),
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/surveys/{id}/responses/:" in out.read_text()


def test_every_operation_is_documented_with_the_error_shape(schema):
    operations = {
        (path, method): op
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert OUR_OPERATIONS <= set(operations)
    for key in OUR_OPERATIONS:
        responses = operations[key]["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert 1 <= len(success) <= 2, key  # two: the dry run (200) of an import (201)
        for code in ("401", "403" if key[0] != "/api/v1/me/" else "401"):
            assert responses[code]["content"]["application/json"]["schema"] == ERROR_REF, key
        if key[1] != "get":
            assert responses["400"]["content"]["application/json"]["schema"] == ERROR_REF, key
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/ErrorItem"}
    submit = operations[("/api/v1/surveys/{id}/responses/", "post")]
    assert "422" in submit["responses"]
    header = [p for p in submit["parameters"] if p["in"] == "header"]
    assert header == [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "schema": {"type": "string"},
            "description": header[0]["description"],
            "required": True,
        }
    ]
    lists = operations[("/api/v1/responses/", "get")]
    assert {p["name"] for p in lists["parameters"]} >= {"page", "page_size", "survey", "status"}


@pytest.mark.django_db  # the page's CSRF secret is stored in a new session
def test_swagger_ui_loads_from_our_static_files(client):
    html = client.get("/api/docs/").content.decode()
    assert (
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">'
        in (html)
    )
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in html
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
        assert cdn not in html
    assert client.get("/api/schema/").status_code == 200
