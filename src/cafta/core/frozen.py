"""A faster constructor for frozen, slotted dataclasses that are built by the dozen for every
declaration (the duty calculation's steps, regime costs and assessments).

A frozen dataclass's generated ``__init__`` stores each field with ``object.__setattr__`` (its
own ``__setattr__`` refuses), which in CPython 3.11 costs about three times a direct write
through the slot's descriptor; for the working's seven-field steps that was a sizeable part of
pricing an item. :func:`direct_init` gives the class an ``__init__`` with the same signature,
defaults and annotations that writes the slots directly. The instances are the same: still
frozen, equal, hashed and printed as before.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any, TypeVar

__all__ = ["direct_init"]

T = TypeVar("T")


def _slot(cls: type, name: str) -> Any:
    """The slot descriptor of field ``name``: the class's own, or a base's for an inherited
    field (a slotted subclass keeps its bases' slots where they are)."""
    for klass in cls.__mro__:
        found = klass.__dict__.get(name)
        if found is not None:
            if not isinstance(found, types.MemberDescriptorType):
                break
            return found
    raise TypeError(f"{cls.__name__}.{name} is not a slot")


def direct_init(cls: type[T]) -> type[T]:
    """Replace the dataclass ``__init__`` of ``cls`` (frozen, slotted, plain fields only:
    positional or keyword-only, with or without a default, no default factory)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots")
    env: dict[str, Any] = {}
    args: list[str] = []
    keywords: list[str] = []
    body: list[str] = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields are supported")
        env[f"_set_{f.name}"] = _slot(cls, f.name).__set__
        if f.default is dataclasses.MISSING:
            arg = f.name
        else:
            env[f"_default_{f.name}"] = f.default
            arg = f"{f.name}=_default_{f.name}"
        (keywords if f.kw_only else args).append(arg)
        body.append(f"    _set_{f.name}(self, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    # The dataclass puts keyword-only fields after the others, whatever their order.
    signature = ["self", *args, *(["*", *keywords] if keywords else [])]
    source = f"def __init__({', '.join(signature)}):\n" + "\n".join(body) + "\n"
    exec(source, env)  # the same technique as dataclasses itself, on names built above
    init = env["__init__"]
    generated = cls.__dict__["__init__"]
    init.__qualname__ = generated.__qualname__
    init.__annotations__ = generated.__annotations__
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
