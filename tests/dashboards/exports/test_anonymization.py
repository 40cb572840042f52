"""k-anonymity and l-diversity, checked by a plain group count independent of the code."""

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboards.exports.anonymization import ANY, Hierarchy, plan_anonymity
from dashboards.exports.scrub import scrub_text

AGE = Hierarchy(field="age", kind="choice", codes=("a", "b", "c", "d"), labels=("A", "B", "C", "D"))
LOCALE = Hierarchy(field="locale", kind="locale")
CHANNEL = Hierarchy(field="channel", kind="exact")
WHEN = Hierarchy(field="submitted_at", kind="time", base="month")


def written_classes(records, plan):
    """Group the records as written (a plain count, not the code under test)."""
    out = Counter()
    for r in records:
        final = plan.mapping[r]
        if final is not None:
            out[final] += 1
    return out


records_strategy = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", None]),
        st.sampled_from(["en", "zh-Hant", "en-GB"]),
        st.sampled_from(["web", "api", "qr", "email"]),
        st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)).map(lambda d: d.replace(day=1)),
    ),
    min_size=0,
    max_size=300,
)


@settings(max_examples=60, deadline=None)
@given(records=records_strategy, k=st.integers(2, 12), max_supp=st.sampled_from([0, 0.05, 0.3]))
def test_achieved_k_is_at_least_requested(records, k, max_supp):
    counts = Counter(records)
    plan = plan_anonymity(
        counts=counts, hierarchies=[AGE, LOCALE, CHANNEL, WHEN], k=k, max_suppression=max_supp
    )
    classes = written_classes(records, plan)
    assert all(n >= k for n in classes.values())
    assert sum(classes.values()) == plan.records_kept == len(records) - plan.records_dropped
    if classes:
        assert plan.achieved_k == min(classes.values())
    else:
        assert plan.achieved_k is None


@settings(max_examples=40, deadline=None)
@given(
    records=st.lists(
        st.tuples(st.sampled_from("abcd"), st.sampled_from(["x", "y", "z"])), max_size=200
    ),
    k=st.integers(2, 6),
    l_div=st.integers(2, 3),
)
def test_l_diversity_holds_for_every_written_class(records, k, l_div):
    counts = Counter((age,) for age, _ in records)
    sensitive = {}
    for age, s in records:
        sensitive.setdefault((age,), [Counter()])[0][s] += 1
    plan = plan_anonymity(
        counts=counts, hierarchies=[AGE], k=k, l_diversity=l_div, sensitive=sensitive
    )
    values: dict = {}
    for age, s in records:
        final = plan.mapping[(age,)]
        if final is not None:
            values.setdefault(final, set()).add(s)
    assert all(len(v) >= l_div for v in values.values())


def test_least_generalization_is_chosen_and_reported():
    counts = Counter({("a", "en"): 6, ("b", "en"): 2, ("c", "en"): 2, ("d", "en"): 6})
    plan = plan_anonymity(counts=counts, hierarchies=[AGE, LOCALE], k=5, max_suppression=0)
    # b and c cannot reach 5 even with their age suppressed (4 together): the answers
    # are banded in pairs instead, (a, b) and (c, d).
    assert plan.levels == {"age": 1, "locale": 0}
    assert plan.generalizations == {"age": "bands of 2 adjacent choices", "locale": "exact locale"}
    assert plan.mapping[("b", "en")] == (0, "en")
    assert plan.mapping[("c", "en")] == plan.mapping[("d", "en")] == (1, "en")
    assert plan.achieved_k == 8
    assert plan.records_dropped == 0


def test_local_suppression_then_drop():
    counts = Counter({("a", "en"): 10, ("b", "en"): 10, ("c", "zh"): 1})
    plan = plan_anonymity(counts=counts, hierarchies=[AGE, LOCALE], k=5, max_suppression=0.1)
    assert plan.levels == {"age": 0, "locale": 0}
    assert plan.mapping[("c", "zh")] is None
    assert plan.records_dropped == 1
    assert plan.achieved_k == 10
    # With suppression, a lone value is replaced by "*" rather than the record dropped.
    counts = Counter({("a", "en"): 10, ("a", "zh"): 1, ("a", "nl"): 4})
    plan = plan_anonymity(counts=counts, hierarchies=[AGE, LOCALE], k=5, max_suppression=0.1)
    assert plan.mapping[("a", "zh")] == plan.mapping[("a", "nl")] == (0, ANY)
    assert plan.values_suppressed == 5
    assert plan.records_dropped == 0


def test_time_hierarchy_labels():
    assert WHEN.generalize(dt.date(2026, 11, 1), 0) == "2026-11"
    assert WHEN.generalize(dt.date(2026, 11, 1), 1) == "2026-Q4"
    assert WHEN.generalize(dt.date(2026, 11, 1), 2) == "2026"
    assert WHEN.generalize(dt.date(2026, 11, 1), 3) == ANY
    week = Hierarchy(field="t", kind="time", base="week")
    assert (
        week.generalize(week.level0(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)), 0) == "2026-W48"
    )


def test_scrub_text():
    text = (
        "Mail jo.smith@example.org or call +31 (0)20 123 4567, see https://x.io/a "
        "- my name is Pieter de Vries and Sarah agrees. I read 3 notices in 2024."
    )
    assert scrub_text(text) == (
        "Mail [email] or call [phone], see [url] "
        "- my name is [name] and [name] agrees. I read 3 notices in 2024."
    )
