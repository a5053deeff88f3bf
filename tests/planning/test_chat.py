"""Chat with a handle time per concurrency level (CCmath's Erlang Chat model)."""

from __future__ import annotations

import numpy as np
import pytest

from supportstats.planning.chat import chat_metrics
from supportstats.planning.erlang import erlang_c_metrics
from supportstats.planning.erlang_a import erlang_a_metrics


def test_ccmath_erlang_chat_example():
    # CCmath: 4 chats/min, AHT [3, 3.5, 4] min, patience 1 min, AWT 0.333 min, 5 agents:
    # ASA 0.22 min, abandonment 15.44 %, occupancy 86.78 % (its SL, 75.44 %, is 1.00 point
    # above this model's 74.44 %, which an independent birth-death solve also gives).
    m = chat_metrics(240, 3600, 5, [180, 210, 240], 0.333 * 60, patience_s=60)
    assert round(float(m["virtual_wait_s"]) / 60, 2) == 0.22
    assert round(float(m["abandon_probability"]), 4) == 0.1544
    assert round(float(m["occupancy"]), 4) == 0.8678
    assert round(float(m["service_level"]), 4) == 0.7444


def test_one_chat_per_agent_is_erlang_a_and_c():
    a = erlang_a_metrics(10.0, 14, 180, 300, 20)
    chat = chat_metrics(100, 1800, 14, [180], 20, patience_s=300, definition="offered")
    for key in ("service_level", "wait_probability", "abandon_probability", "asa_s", "occupancy"):
        assert float(chat[key]) == pytest.approx(float(a[key]), rel=1e-12)
    c = erlang_c_metrics(10.0, 14, 180, 20)
    chat = chat_metrics(100, 1800, 14, [180], 20)
    for key in ("service_level", "wait_probability", "asa_s", "occupancy"):
        assert float(chat[key]) == pytest.approx(float(c[key]), rel=1e-12)


def test_constant_rate_per_slot_is_the_slots_model():
    # the same 600 s at every level: each chat ends at rate 1/600 s however busy its agent is,
    # so 5 agents x 3 chats behave like Erlang C with 15 servers and AHT 600 s.
    chat = chat_metrics(72, 3600, 5, [600, 600, 600], 20)
    c = erlang_c_metrics(72 * 600 / 3600, 15, 600, 20)
    assert float(chat["service_level"]) == pytest.approx(float(c["service_level"]), rel=1e-9)


def test_more_agents_never_hurt_and_quiet_intervals():
    m = chat_metrics([240, 240, 240, 0], 3600, [4, 5, 6, 0], [180, 210, 240], 20, patience_s=60)
    assert np.all(np.diff(m["service_level"][:3]) > 0)
    assert m["service_level"][3] == 1.0 and m["occupancy"][3] == 0.0


def test_bad_levels():
    with pytest.raises(ValueError, match="positive seconds"):
        chat_metrics(10, 3600, 2, [180, -1], 20)
