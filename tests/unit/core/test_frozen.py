"""direct_init: the same constructor as the dataclass's, writing the slots directly."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from cafta.core.frozen import direct_init


@dataclasses.dataclass(frozen=True, slots=True)
class Plain:
    a: int
    b: str = "b"


@direct_init
@dataclasses.dataclass(frozen=True, slots=True)
class Direct:
    a: int
    b: str = "b"


@direct_init
@dataclasses.dataclass(frozen=True, slots=True)
class Checked:
    a: int

    def __post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("negative")


def test_same_signature_and_same_instances() -> None:
    assert str(inspect.signature(Direct)) == str(inspect.signature(Plain))
    assert Direct(1) == Direct(1, "b") == Direct(a=1, b="b")
    assert hash(Direct(1)) == hash(Direct(1))
    assert repr(Direct(1, "x")) == "Direct(a=1, b='x')"
    assert pickle.loads(pickle.dumps(Direct(2))) == Direct(2)
    assert dataclasses.replace(Direct(1), b="c") == Direct(1, "c")
    with pytest.raises(dataclasses.FrozenInstanceError):
        Direct(1).a = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Direct()  # type: ignore[call-arg]


def test_post_init_still_runs() -> None:
    assert Checked(1).a == 1
    with pytest.raises(ValueError, match="negative"):
        Checked(-1)


def test_only_frozen_slotted_dataclasses_with_plain_fields() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = dataclasses.field(default_factory=list)

    for cls in (NoSlots, Factory, int):
        with pytest.raises(TypeError):
            direct_init(cls)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PlainKeywords:
    a: int
    b: str = "b"
    c: int


@direct_init
@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class DirectKeywords:
    a: int
    b: str = "b"
    c: int


@dataclasses.dataclass(frozen=True, slots=True)
class PlainChild(Plain):
    c: int = 3


@direct_init
@dataclasses.dataclass(frozen=True, slots=True)
class DirectChild(Direct):
    c: int = 3


def test_keyword_only_fields() -> None:
    assert str(inspect.signature(DirectKeywords)) == str(inspect.signature(PlainKeywords))
    assert repr(DirectKeywords(a=1, c=2)) == "DirectKeywords(a=1, b='b', c=2)"
    with pytest.raises(TypeError):
        DirectKeywords(1, "b", 2)  # type: ignore[misc]


def test_inherited_fields_are_written_through_the_base_slots() -> None:
    assert str(inspect.signature(DirectChild)) == str(inspect.signature(PlainChild))
    child = DirectChild(1, "x", 4)
    assert (child.a, child.b, child.c) == (1, "x", 4)
    assert child == DirectChild(1, "x", 4) != DirectChild(1, "x", 5)
    assert pickle.loads(pickle.dumps(child)) == child
    with pytest.raises(dataclasses.FrozenInstanceError):
        child.a = 2  # type: ignore[misc]
