"""A store that lives and dies with the Python process (tests, throwaway sessions)."""

from __future__ import annotations

import dataclasses
import operator
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from .base import DEFAULT_MAX_EVENTS, UNCHECKED, Event, Key, Record, Store, _Unchecked, check_replaces

# Every field in declaration order: ``Event(*_values(e))`` is ``dataclasses.replace(e)`` without
# its per-call walk over the fields (a copy per refresh, so the caller cannot edit a stored row).
_values: Callable[[Event], tuple[Any, ...]] = operator.attrgetter(
    *(f.name for f in dataclasses.fields(Event))
)


def _copy(event: Event) -> Event:
    if type(event) is not Event:  # a subclass may have fields of its own
        return dataclasses.replace(event)
    return Event(*_values(event))


class MemoryStore(Store):
    def __init__(self, url: str = "memory://", *, max_events: int = DEFAULT_MAX_EVENTS) -> None:
        super().__init__(max_events=max_events)
        self.url = url
        self._records: dict[Key, Record] = {}
        # A bounded deque drops the oldest event in O(1) as a new one arrives.
        self._events: deque[Event] = deque(maxlen=self.max_events)
        self._guard = threading.Lock()

    def _after_fork_in_child(self) -> None:
        super()._after_fork_in_child()
        self._guard = threading.Lock()

    def load(self, key: Key) -> Record | None:
        with self._guard:
            return self._records.get(key)

    def save(
        self,
        key: Key,
        record: Record,
        events: Sequence[Event] = (),
        *,
        replaces: str | _Unchecked | None = UNCHECKED,
    ) -> None:
        with self._guard:
            check_replaces(self._records.get(key), replaces)
            self._records[key] = record
            self._events.extend(map(_copy, events))

    def append(self, events: Sequence[Event]) -> None:
        with self._guard:
            self._events.extend(map(_copy, events))

    def events(self, key: Key | None = None) -> list[Event]:
        with self._guard:
            return [
                e
                for e in self._events
                if key is None or (e.adapter == key.adapter and e.connection == key.name)
            ]

    def keys(self) -> list[Key]:
        with self._guard:
            return list(self._records)
