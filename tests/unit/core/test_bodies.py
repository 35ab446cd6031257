"""Body limits judged from the bytes alone, before anything is parsed."""

from __future__ import annotations

import json

from core.rules.bodies import (
    BodyLimits,
    FormShape,
    form_shape,
    json_depth,
    json_may_be_deeper,
    json_may_hold_direction_controls,
    json_may_hold_unstorable,
    json_value_bound,
)

LIMITS = BodyLimits(form_max_fields=3, form_field_max_bytes=10)


def test_json_value_bound_counts_every_value_and_never_fewer() -> None:
    documents = [{"a": [1, 2, {"b": None}]}, [], "text", [[[]]], {"a": "1,2,3"}]

    bounds = [json_value_bound(json.dumps(document).encode()) for document in documents]

    assert bounds == [6, 2, 1, 4, 4]


def test_json_depth_of_scalars_and_containers() -> None:
    assert [json_depth(value) for value in (1, [], {"a": [1]}, [[[[]]]], {"a": {}, "b": [[2]]})] == [0, 1, 2, 4, 3]


def test_json_depth_of_a_deep_document_does_not_exhaust_the_stack() -> None:
    document: list = []
    for _ in range(100_000):
        document = [document]

    assert json_depth(document) == 100_001


def test_form_shape_within_the_limits_keeps_the_body_as_it_is() -> None:
    shape = form_shape(b"a=1&b=2&c=3", limits=LIMITS)

    assert shape == FormShape(too_many_fields=False, oversized=(), kept=b"a=1&b=2&c=3")


def test_form_shape_with_too_many_fields() -> None:
    assert form_shape(b"a=1&b=2&c=3&d=4", limits=LIMITS).too_many_fields is True


def test_form_shape_names_the_oversized_field_decoded_and_keeps_the_others() -> None:
    shape = form_shape(b"name=Ana&%C5%BEelja+x=" + b"y" * 20, limits=LIMITS)

    assert shape == FormShape(too_many_fields=False, oversized=("želja x",), kept=b"name=Ana")


def test_json_may_hold_unstorable_sees_escaped_nuls_and_ten_digit_numbers() -> None:
    bodies = [b'{"a": "x\\u0000"}', b'{"a": 2147483648}', b'{"a": 214748364}', b'{"a": "text", "b": [1, 2]}']

    assert [json_may_hold_unstorable(body) for body in bodies] == [True, True, False, False]


def test_json_may_be_deeper_counts_the_opening_brackets() -> None:
    assert [json_may_be_deeper(body, 2) for body in (b"[[]]", b"[{}, []]", b'{"a": "[["}')] == [False, True, True]


def test_json_may_hold_direction_controls_raw_or_escaped_in_any_case() -> None:
    bodies = ['{"name": "a\u202eb"}'.encode(), b'{"name": "a\\u202Eb"}', b'{"name": "a\\u2066"}', b'{"name": "ab"}']

    assert [json_may_hold_direction_controls(body) for body in bodies] == [True, True, True, False]
