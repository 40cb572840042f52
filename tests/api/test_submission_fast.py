"""The submission body's fast check agrees with SubmissionSerializer wherever it answers."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.api.serializers import SubmissionSerializer, submission_fast

texts = st.one_of(
    st.sampled_from(["q1", "nps", " q1", "q1 ", "", "x" * 64, "x" * 65, "\ud800", "zh-Hant"]),
    st.text(max_size=8),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(0, 2), texts)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)
answers = st.lists(
    st.fixed_dictionaries(
        {"question": st.one_of(texts, st.integers(0, 3))},
        optional={"value": values, "other": st.one_of(st.none(), texts), "extra": scalars},
    ),
    max_size=4,
)
consents = st.one_of(
    st.none(),
    scalars,
    st.fixed_dictionaries(
        {},
        optional={
            "notice_version": st.one_of(st.integers(-2, 5), st.booleans(), st.floats(0, 3), texts),
            "purposes": st.one_of(st.lists(texts, max_size=3), texts),
            "timestamp": st.sampled_from(["2026-11-01T10:00:00Z", "nope"]),
            "other": scalars,
        },
    ),
)
bodies = st.one_of(
    st.lists(scalars, max_size=2),
    st.fixed_dictionaries(
        {},
        optional={
            "answers": st.one_of(answers, scalars),
            "locale": st.one_of(st.none(), texts, st.integers(0, 2)),
            "channel": st.one_of(st.sampled_from(["api", "web", "email", "fax"]), scalars),
            "external_id": st.one_of(st.none(), texts),
            "is_test": scalars,
            "consent": consents,
            "unknown": scalars,
        },
    ),
)


def plain(value):
    return json.loads(json.dumps(value))


@settings(max_examples=600, deadline=None)
@given(bodies)
def test_the_fast_check_accepts_only_what_the_serializer_accepts_unchanged(body):
    fast = submission_fast(body)
    if fast is None:
        return
    serializer = SubmissionSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    assert plain(fast) == plain(serializer.validated_data)


def test_a_typical_body_takes_the_fast_path():
    body = {
        "answers": [
            {"question": "nps", "value": 9},
            {"question": "why", "value": "ok", "other": ""},
        ],
        "locale": "en",
        "consent": {"notice_version": 1, "purposes": ["survey_research"]},
    }
    assert submission_fast(body) == {
        "answers": body["answers"],
        "locale": "en",
        "channel": "api",
        "is_test": False,
        "consent": {"notice_version": 1, "purposes": ["survey_research"]},
    }
    assert submission_fast({**body, "locale": " en"}) is None  # the serializer would trim it
    assert submission_fast({**body, "is_test": "true"}) is None  # … or convert it
