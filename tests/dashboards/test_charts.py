"""Figure builders: the figure dicts, tables and sentences they return."""

from dashboards import charts
from dashboards.charts import Point, Reference
from dashboards.services.disclosure import Figure

HIDDEN = Figure(n=None, suppressed=True)


def fig(n, value=None, low=None, high=None):
    return Figure(n=n, value=float(n) if value is None else value, ci_low=low, ci_high=high)


CISCO = Reference(
    key="cisco_2021_privacy_actives",
    label="Cisco 2021: 32 %",
    value=0.32,
    source="Cisco",
    year=2021,
    definition="Care, willing to act, have acted",
)


def test_trend_chart_band_line_reference_and_gap():
    chart = charts.trend_chart(
        key="gap",
        title="Paradox gap",
        points=[
            Point(label="2026-01", figure=fig(40, 0.25, 0.2, 0.3)),
            Point(label="2026-02", figure=HIDDEN),
            Point(label="2026-03", figure=fig(50, 0.35, 0.3, 0.4)),
        ],
        references=[CISCO],
    )
    upper, band, line, ref = chart.figure["data"]
    assert upper["y"] == [0.3, None, 0.4]
    assert band["y"] == [0.2, None, 0.3] and band["fill"] == "tonexty"
    assert line["y"] == [0.25, None, 0.35]
    assert line["connectgaps"] is False
    assert ref["y"] == [0.32, 0.32, 0.32] and ref["line"]["dash"] == "dash"
    assert "Cisco (2021)" in ref["hovertemplate"]
    assert chart.rows[1] == ["2026-02", None, None, None, None, "complete"]
    assert chart.summary == "Paradox gap rose from 0.25 in 2026-01 to 0.35 in 2026-03."
    assert chart.references == ["cisco_2021_privacy_actives"]
    assert chart.figure["layout"]["colorway"][0] == "#0072B2"


def test_trend_chart_all_withheld_explains():
    chart = charts.trend_chart(
        key="t", title="Trust", points=[Point(label="2026-01", figure=HIDDEN)]
    )
    assert chart.empty.startswith("Every group here is smaller than the minimum")
    assert chart.summary == chart.empty
    empty = charts.trend_chart(key="t", title="Trust", points=[])
    assert empty.empty.startswith("No responses yet")


def test_bar_chart_percent_labels_and_withheld_group():
    chart = charts.bar_chart(
        key="westin",
        title="Westin segments",
        bars=[
            Point(label="fundamentalist", figure=fig(30, 0.3)),
            Point(label="pragmatist", figure=fig(60, 0.6)),
            Point(label="unconcerned", figure=HIDDEN),
        ],
    )
    bar = chart.figure["data"][0]
    assert bar["x"] == [0.3, 0.6, None]
    assert bar["text"] == ["30 %", "60 %", "withheld"]
    assert bar["orientation"] == "h"
    assert chart.rows == [
        ["fundamentalist", 0.3, 30],
        ["pragmatist", 0.6, 60],
        ["unconcerned", None, None],
    ]
    assert chart.summary == (
        "Westin segments: highest for pragmatist at 60 %, across 2 groups shown. "
        "1 withheld as too small."
    )


def test_diverging_chart_splits_midpoint_and_stacks_outward():
    chart = charts.diverging_chart(
        key="concern",
        title="Concern",
        items=[
            (
                "worry",
                [
                    Point(label=str(v), figure=fig(n))
                    for v, n in zip(range(1, 6), [10, 20, 30, 20, 20], strict=True)
                ],
            ),
            (
                "control",
                [Point(label=str(v), figure=HIDDEN if v == 1 else fig(25)) for v in range(1, 6)],
            ),
        ],
    )
    traces = chart.figure["data"]
    # Negative side: midpoint half, then 2, then 1 (nearest zero first); positive: half, 4, 5.
    assert [t["name"] for t in traces] == ["3", "2", "1", "3", "4", "5"]
    assert traces[0]["x"][0] == -0.15 and traces[3]["x"][0] == 0.15
    assert traces[2]["x"][0] == -0.1 and traces[5]["x"][0] == 0.2
    # A row with a withheld bucket is withheld whole (its shares would reveal it).
    assert [t["x"][1] for t in traces] == [None] * 6
    assert traces[2]["marker"]["color"] == "#D55E00" and traces[5]["marker"]["color"] == "#0072B2"
    assert chart.rows == [["worry", 10, 20, 30, 20, 20], ["control", None, 25, 25, 25, 25]]
    assert chart.summary == "Concern: worry has the most answers above the midpoint (40 %)."


def test_funnel_chart():
    chart = charts.funnel_chart(
        key="funnel",
        title="Funnel",
        stages=[
            Point(label="Notice shown", figure=fig(200)),
            Point(label="Consented", figure=fig(150)),
            Point(label="Completed", figure=fig(120)),
            Point(label="Withdrawn", figure=HIDDEN),
        ],
    )
    trace = chart.figure["data"][0]
    assert trace["type"] == "funnel" and trace["x"] == [200, 150, 120, None]
    assert chart.rows[2] == ["Completed", 120, 0.6]
    assert chart.summary == "Of 200 people shown the notice, 60 % reached “Completed”."


def test_histogram_nps_and_heatmap():
    hist = charts.histogram_chart(
        key="quiz",
        title="Quiz scores",
        bins=[
            Point(label="0", figure=HIDDEN),
            Point(label="1", figure=fig(12)),
            Point(label="2", figure=fig(30)),
        ],
    )
    assert hist.figure["data"][0]["y"] == [None, 12, 30]
    assert hist.summary == "Quiz scores: the most common value is 2 (30 respondents)."

    nps = charts.nps_chart(
        key="nps",
        title="NPS",
        score=Figure(n=60, value=-12.5),
        buckets=[Point(label=str(v), figure=fig(10)) for v in (0, 7, 10)],
    )
    assert nps.figure["data"][0]["marker"]["color"] == ["#D55E00", "#BBBBBB", "#0072B2"]
    assert nps.figure["layout"]["title"]["text"] == "NPS: -12"
    assert nps.summary == "Net Promoter Score is -12 (promoters minus detractors, in points)."

    heat = charts.heatmap_chart(
        key="x",
        title="Trust by channel",
        rows=["1", "5"],
        columns=["web", "qr"],
        cells=[[fig(20), HIDDEN], [fig(15), HIDDEN]],
        row_totals=[HIDDEN, HIDDEN],
        column_totals=[fig(35), HIDDEN],
        total=fig(48),
    )
    assert heat.figure["data"][0]["z"] == [[20, None], [15, None]]
    assert heat.figure["data"][0]["text"] == [["20", "–"], ["15", "–"]]
    assert heat.rows[-1] == ["Total", 35, None, 48]
    assert heat.summary == (
        "Trust by channel: the largest group is 1 × web with 20 respondents; 2 of 4 cells withheld."
    )


def test_sparkline_and_change():
    points = [Point(label="W1", figure=fig(20, 0.4)), Point(label="W2", figure=fig(20, 0.45))]
    spark = charts.sparkline(points)
    assert spark["data"][0]["y"] == [0.4, 0.45]
    assert spark["layout"]["xaxis"]["visible"] is False
    assert round(charts.change(points), 6) == 0.05
    assert charts.change([points[0], Point(label="W3", figure=HIDDEN)]) is None


def test_chart_dict_shape():
    chart = charts.histogram_chart(key="q", title="Q", bins=[Point(label="1", figure=fig(10))])
    d = charts.chart_dict(chart)
    assert sorted(d) == ["empty", "figure", "key", "references", "summary", "table", "title"]
    assert d["table"] == {"columns": ["Value", "Respondents"], "rows": [["1", 10]]}


def test_wrap_counts_chinese_characters_double_and_breaks_between_them():
    from dashboards.charts.base import wrap

    assert wrap("Access (copy of their data)") == "Access (copy of their<br>data)"
    # Fifteen characters are thirty columns: two even lines, never one starting with "。".
    assert wrap("我在同意隱私權聲明前會先閱讀。") == "我在同意隱私權<br>聲明前會先閱讀。"
    assert wrap("因資料處理方式而更換公司") == "因資料處理方式而更換公司"
    assert wrap("在看到該目的的受訪者中表示同意的比例", 24) == (
        "在看到該目的的受訪<br>者中表示同意的比例"
    )
