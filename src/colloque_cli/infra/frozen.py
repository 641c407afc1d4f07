"""Immutable value classes, cheap to define.

``@dataclass(frozen=True, slots=True)`` writes out and compiles six methods for each class
when its module is imported: about 0.7 ms a class on CPython 3.11, some 7 ms of every command
for the ten classes a search loads (against ~10 µs for a plain class). The classes here share
one set of generic methods instead, and each writes its own ``__init__``, which stores its
fields through ``object.__setattr__`` as a frozen dataclass's does.

A subclass lists its fields in ``__slots__`` (or in ``FIELDS``, when it needs a ``__dict__``
for cached properties); they are compared, hashed, shown and pickled in that order, as a
frozen dataclass's fields are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, ClassVar, TypeVar, cast, dataclass_transform

# Stores a field of a frozen instance (its own __setattr__ refuses).
store = object.__setattr__

V = TypeVar("V", bound="Frozen")


class Frozen:
    """A value object: equal, hashed, shown and pickled by its fields, which never change."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]] = ()
    # the fields' values of an instance, as a tuple (a static method: called on the instance)
    _values: ClassVar[staticmethod[[Any], tuple[Any, ...]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__
        if "FIELDS" not in own and "__slots__" in own:  # a base's fields first, as dataclasses
            cls.FIELDS = (*cls.FIELDS, *own["__slots__"])
        fields = cls.FIELDS
        if len(fields) > 1:
            cls._values = staticmethod(attrgetter(*fields))
        else:  # attrgetter of one name gives the value, not a 1-tuple; of none, an error
            getters = tuple(map(attrgetter, fields))
            cls._values = staticmethod(lambda record: tuple(get(record) for get in getters))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(self._values(self) == self._values(other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), self._values(self)


def fields_init(
    fields: tuple[str, ...],
    defaults: Mapping[str, Any] = {},  # noqa: B006 (read only)
    *,
    frozen: bool = True,
    becomes: type | None = None,
) -> Callable[..., None]:
    """An ``__init__`` taking ``fields`` in order (those of ``defaults`` optional) and storing
    each, written out and compiled once as a frozen dataclass's is: no loop runs per instance.

    ``frozen``: stores through ``object.__setattr__``; otherwise plain attribute stores (for a
    class whose own ``__setattr__`` is ``object``'s). ``becomes``: the class the instance is
    given once filled (a class of the same slot layout).
    """
    if not all(name.isidentifier() and not name.startswith("_") for name in fields):
        raise ValueError(f"not field names: {fields}")  # the source below is made of them only
    lines = [
        f"    store(self, {name!r}, {name})" if frozen else f"    self.{name} = {name}"
        for name in fields
    ]
    if becomes is not None:
        lines.append("    self.__class__ = _becomes")
    source = f"def __init__(self, {', '.join(fields)}):\n" + ("\n".join(lines) or "    pass")
    namespace: dict[str, Any] = {"store": store, "_becomes": becomes}
    exec(source, namespace)  # noqa: S102 (field names only: see test_cache_safety)
    init: Callable[..., None] = namespace["__init__"]
    # The defaults are the last fields' (set here: compiling them in costs twice the time)
    optional = fields[len(fields) - len(defaults) :]
    if tuple(defaults) != optional:
        raise TypeError(f"fields with a default must come last: {', '.join(defaults)}")
    init.__defaults__ = tuple(defaults.values()) or None
    return init


@dataclass_transform(frozen_default=True, eq_default=True)
def value_class(cls: type[V]) -> type[V]:
    """``cls``, a ``Frozen`` subclass, whose fields are its annotations, in order: its
    ``__slots__`` and ``__init__`` are made from them (a class attribute gives a field's
    default), so that its fields are listed once, with their types, as a dataclass's are."""
    own = dict(cls.__dict__)
    fields = tuple(own.get("__annotations__", {}))
    defaults = {name: own.pop(name) for name in fields if name in own}
    for attribute in ("__dict__", "__weakref__", "_values"):  # the class is made anew, slotted
        own.pop(attribute, None)
    own["__slots__"] = fields

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        # Compiled at the first instance, not at import: a command that makes none (the
        # programme's sessions are made by a twin: see ``model.new_session``) pays nothing.
        init = fields_init(fields, defaults)
        setattr(made, "__init__", init)  # noqa: B010 (the checker sees the class's own)
        init(self, *args, **kwargs)

    own["__init__"] = __init__
    made = cast("type[V]", type(cls.__name__, cls.__bases__, own))
    return made
