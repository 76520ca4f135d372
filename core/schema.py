"""OpenAPI post-processing: the schema states the rules the API really applies.

drf-spectacular writes decimal patterns with `\\d` (which a generator reads as any Unicode
digit, while the API takes ASCII digits only) and lets the whole and fraction parts be empty;
path ids are database keys, so never below 1; moments lie within the years
`core.dates` accepts. Fixing both here covers every operation.
"""

import re

from .dates import YEAR_PATTERN

_DECIMAL = re.compile(r"^\^-\?(?:\\d\{0,(\d+)\}|0\?)\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def _decimal_pattern(pattern: str) -> str:
    """`^-?\\d{0,14}(?:\\.\\d{0,6})?$` → `^-?[0-9]{1,14}(?:\\.[0-9]{1,6})?$`: ASCII, and no empty part."""
    match = _DECIMAL.match(pattern)
    if not match:
        return pattern.replace(r"\d", "[0-9]")
    whole, places = match.group(1) or "1", match.group(2)
    fraction = rf"(?:\.[0-9]{{1,{places}}})?" if places != "0" else ""
    return rf"^-?[0-9]{{1,{whole}}}{fraction}$"


def _walk(node) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            node["pattern"] = _decimal_pattern(node["pattern"])
        if node.get("format") == "date-time" and node.get("type") == "string":
            node.setdefault("pattern", YEAR_PATTERN)
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def _path_ids_from_one(schema: dict) -> None:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"].setdefault("minimum", 1)


def _closed_request_bodies(schema: dict) -> None:
    """Every request body is read by a strict serializer (core.serializers): unknown keys are refused."""
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and "properties" in component:
            component.setdefault("additionalProperties", False)


def postprocess(result: dict, generator, request, public) -> dict:
    """SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS entry (after drf-spectacular's enum hook)."""
    _closed_request_bodies(result)
    _walk(result.get("components", {}))
    _walk(result.get("paths", {}))
    _path_ids_from_one(result)
    return result
