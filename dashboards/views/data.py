"""Data endpoints of the dashboards: one panel of charts as JSON, or one chart's table as CSV.

``GET /studio/<org>/dashboards/surveys/<id>/data/<panel>/?<filters>`` reads
rollups only (at most ten queries, tested) and returns already-suppressed
aggregates: never a raw answer, never free text. ``&format=csv&chart=<key>``
returns that chart's table.
"""

import csv
import io
from dataclasses import asdict

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from trustpulse.studio import Studio, studio_view

from ..charts import Chart, chart_dict
from ..panels import PANEL_BUILDERS
from .filters import parse
from .pages import DASHBOARD_ROLES, survey_in_org


def csv_row(row: list) -> list:
    """A table row for CSV: a row whose every figure is withheld says so; other gaps stay blank."""
    label, values = row[:1], row[1:]
    numbers = [v for v in values if not isinstance(v, str)]
    if numbers and all(v is None for v in numbers):
        return [*label, *[gettext("withheld") if v is None else v for v in values]]
    return ["" if v is None else v for v in row]


def csv_rows(chart: Chart) -> list[list]:
    """The chart's table for CSV: codes stay (a `code` column, coded column headings),
    the labels a person reads beside them."""
    header = list(chart.columns)
    if chart.column_codes:
        header = [cc or col for col, cc in zip(chart.columns, chart.column_codes, strict=True)]
    body = [csv_row(row) for row in chart.rows]
    if chart.codes:
        header = ["code", gettext("label") if not header[0] else header[0], *header[1:]]
        body = [[code, *row] for code, row in zip(chart.codes, body, strict=True)]
    return [header, *body]


@studio_view(roles=DASHBOARD_ROLES, section="dashboards")
def panel_data(request: HttpRequest, studio: Studio, survey_id: int, panel: str) -> HttpResponse:
    builder = PANEL_BUILDERS.get(panel)
    if builder is None:
        raise Http404("No such panel.")
    survey = survey_in_org(studio, survey_id)
    parsed = parse(survey, request.GET, locale=request.LANGUAGE_CODE)
    if parsed.flt is None:
        return JsonResponse({"errors": parsed.errors}, status=400)
    result = builder(parsed.flt, parsed.opts)
    if request.GET.get("format") == "csv":
        key = request.GET.get("chart", "")
        chart = next((c for c in result.charts if c.key == key), None)
        if chart is None:
            return JsonResponse(
                {"errors": [{"field": "chart", "code": "not_found", "message": "No such chart."}]},
                status=404,
            )
        out = io.StringIO()
        writer = csv.writer(out)
        for row in csv_rows(chart):
            writer.writerow(row)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{survey.slug}-{key}.csv"'
        return response
    return JsonResponse(
        {
            "panel": panel,
            "min_cell": parsed.flt.min_cell,
            "note": result.note,
            "kpis": [asdict(k) for k in result.kpis],
            "charts": [chart_dict(c) for c in result.charts],
        }
    )
