"""The values an enumerated request field allows, found from the handler's signature."""

from __future__ import annotations

from enum import Enum
from types import SimpleNamespace
from typing import Annotated, Any, Literal

import msgspec

from cafta.api.choices import allowed_values


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


class Leg(msgspec.Struct):
    mode: Annotated[Literal["road", "rail"], msgspec.Meta(description="How.")]
    note: str | None = None


class Body(msgspec.Struct):
    colour: Colour | None = None
    legs: list[Leg] = []
    first: Annotated[Leg | None, msgspec.Meta(description="The first leg.")] = None
    renamed: Colour = msgspec.field(default=Colour.RED, name="tint")


def _handler(**annotations: Any) -> Any:
    parameters = {name: SimpleNamespace(annotation=kind) for name, kind in annotations.items()}
    return SimpleNamespace(parsed_fn_signature=SimpleNamespace(parameters=parameters))


def test_a_parameter_is_found_by_its_name() -> None:
    handler = _handler(lane=Colour | None, limit=int)
    assert allowed_values(handler, "lane") == ("red", "blue")
    assert allowed_values(handler, "limit") is None


def test_a_body_field_is_found_by_its_path() -> None:
    handler = _handler(data=Body)
    assert allowed_values(handler, "colour") == ("red", "blue")
    assert allowed_values(handler, "legs[3].mode") == ("road", "rail")
    assert allowed_values(handler, "first.mode") == ("road", "rail")
    assert allowed_values(handler, "tint") == ("red", "blue")  # the name the JSON uses


def test_what_is_not_an_enumeration_or_not_there_has_no_values() -> None:
    handler = _handler(data=Body)
    for field in ("legs[0].note", "legs.mode", "colour.x", "nothing", "renamed", "legs[0]"):
        assert allowed_values(handler, field) is None, field
    assert allowed_values(None, "colour") is None
    assert allowed_values(_handler(), "colour") is None
