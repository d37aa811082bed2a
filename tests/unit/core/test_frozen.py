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
