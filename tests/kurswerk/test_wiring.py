"""The composition root fills every slot of the extension point, and an unfilled slot
says so instead of quietly doing nothing."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from kurswerk.core.extensions import Extensions, Slot, SlotNotFilled, extensions
from kurswerk.wiring import wire

PACKAGES = ("kurswerk", "lti", "course", "coaching", "uploads", "feedback")


def _declared_slots() -> dict[str, Slot[object]]:
    """Every slot a module of the application declares at its top level."""
    slots: dict[str, Slot[object]] = {}
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for attr, value in vars(module).items():
                if isinstance(value, Slot):
                    slots[f"{module.__name__}.{attr}"] = value
    return slots


def test_wire_fills_every_declared_slot(monkeypatch):
    monkeypatch.setattr(extensions, "_values", {})  # as before the first wire()
    declared = _declared_slots()
    # the slots of the core, lti, course, coaching and uploads (some re-exported)
    assert len({id(slot) for slot in declared.values()}) >= 11
    wire()
    unfilled = []
    for name, slot in declared.items():
        try:
            extensions.get(slot)
        except SlotNotFilled:
            unfilled.append(name)
    assert unfilled == []


def test_an_unfilled_slot_is_a_clear_error():
    slot: Slot[int] = Slot("answer")
    with pytest.raises(SlotNotFilled, match="'answer' is not filled"):
        Extensions().get(slot)


def test_a_replaced_slot_holds_what_it_held_before_afterwards():
    point = Extensions()
    filled: Slot[int] = Slot("filled")
    empty: Slot[int] = Slot("empty")
    point.fill(filled, 1)
    with point.replaced(filled, 2), point.replaced(empty, 3):
        assert (point.get(filled), point.get(empty)) == (2, 3)
    assert point.get(filled) == 1
    with pytest.raises(SlotNotFilled):
        point.get(empty)
