"""The cyclic collector is paused while a stage builds its objects, and left as it was found.
No database needed."""

from __future__ import annotations

import gc

import pytest

from pgwright.gcpause import collector_paused, without_collector


@pytest.fixture(autouse=True)
def collector_enabled_again():
    was = gc.isenabled()
    yield
    if was:
        gc.enable()


def test_the_collector_is_off_inside_and_on_again_after():
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on():
    gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("stage failed")
    assert gc.isenabled()


def test_a_caller_that_disabled_it_keeps_it_disabled():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_nested_pauses_turn_it_on_only_at_the_outermost():
    gc.enable()

    @without_collector
    def inner():
        return gc.isenabled()

    with collector_paused():
        assert inner() is False
        assert not gc.isenabled()
    assert gc.isenabled()
