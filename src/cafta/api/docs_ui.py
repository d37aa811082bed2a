"""The interactive API documentation at ``/docs``, served entirely by the API (works offline).

Swagger UI's files come from the ``swagger_ui_bundle`` package, under ``/docs/assets``; the page
is this module's own and loads nothing from another host (no CDN, no validator badge).

The bundled Swagger UI (4.15) renders OpenAPI 3.0 only, while the API's document,
``/schema/openapi.json``, is OpenAPI 3.1. The page therefore reads ``/docs/openapi.json``: the
same document expressed in 3.0 (:func:`as_openapi_30`), for the viewer only. Programs should use
``/schema/openapi.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Router, get
from litestar.enums import MediaType
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

__all__ = ["as_openapi_30", "docs_router"]

DOCS_PATH = "/docs"
_ASSETS = f"{DOCS_PATH}/assets"

_PAGE = f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>CAFTA Smart Port API</title>
    <link rel="stylesheet" href="{_ASSETS}/swagger-ui.css">
    <link rel="icon" type="image/png" href="{_ASSETS}/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="{_ASSETS}/swagger-ui-bundle.js"></script>
    <script src="{_ASSETS}/swagger-ui-standalone-preset.js"></script>
    <script>
      window.ui = SwaggerUIBundle({{
        url: "{DOCS_PATH}/openapi.json",
        dom_id: "#swagger-ui",
        validatorUrl: null,
        deepLinking: true,
        persistAuthorization: false,
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        layout: "BaseLayout"
      }});
    </script>
  </body>
</html>
"""


@get("/", media_type=MediaType.HTML, include_in_schema=False, sync_to_thread=False)
def docs_page() -> str:
    """Swagger UI, reading the API's own document."""
    return _PAGE


@get("/openapi.json", include_in_schema=False, sync_to_thread=False)
def openapi_30(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The OpenAPI document in version 3.0, for the bundled Swagger UI."""
    return as_openapi_30(request.app.openapi_schema.to_schema())


def _without_null(schema: dict[str, Any], key: str) -> dict[str, Any]:
    """``{"oneOf": [X, {"type": "null"}]}`` as 3.0 writes it: ``X`` with ``nullable``."""
    options = [o for o in schema[key] if not (isinstance(o, dict) and o.get("type") == "null")]
    if len(options) == len(schema[key]):
        return schema
    rest = {k: v for k, v in schema.items() if k != key}
    if len(options) != 1:
        return {**rest, key: options, "nullable": True}
    (only,) = options
    if "$ref" in only:
        return {**rest, "allOf": [only], "nullable": True}
    return {**rest, **only, "nullable": True}


_NAMED = frozenset(
    {"properties", "patternProperties", "$defs", "schemas", "paths", "responses", "content",
     "headers", "securitySchemes", "examples", "links", "callbacks", "requestBodies"}
)  # fmt: skip
"""Members whose value maps names to objects: their keys are names, not keywords."""


def _schema_30(node: Any, *, named: bool = False) -> Any:
    if isinstance(node, list):
        return [_schema_30(n) for n in node]
    if not isinstance(node, dict):
        return node
    if named:
        return {k: _schema_30(v) for k, v in node.items()}
    schema = {k: _schema_30(v, named=k in _NAMED and isinstance(v, dict)) for k, v in node.items()}
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            schema = _without_null(schema, key)
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        schema["type"] = kinds[0] if len(kinds) == 1 else kinds
        if len(kinds) < len(kind):
            schema["nullable"] = True
    if isinstance(schema.get("examples"), list):
        examples = schema.pop("examples")
        if examples:
            schema["example"] = examples[0]
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    return schema


def as_openapi_30(document: dict[str, Any]) -> dict[str, Any]:
    """A 3.1 document as 3.0: nullable types, single examples, no webhooks (for viewing)."""
    converted: dict[str, Any] = _schema_30(document)
    converted["openapi"] = "3.0.3"
    for key in ("webhooks", "jsonSchemaDialect"):
        converted.pop(key, None)
    info = converted.get("info")
    if isinstance(info, dict):
        info.pop("summary", None)
    return converted


def docs_router() -> Router:
    """``/docs`` (the page), ``/docs/openapi.json`` (3.0) and ``/docs/assets/*`` (Swagger UI)."""
    assets = create_static_files_router(
        path="/assets", directories=[Path(str(swagger_ui_path))], name="docs-assets"
    )
    return Router(
        path=DOCS_PATH, route_handlers=[docs_page, openapi_30, assets], include_in_schema=False
    )
