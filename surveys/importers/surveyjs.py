"""SurveyJS JSON (the survey model of SurveyJS Form Library / Creator).

pages → sections, elements → questions (codes from `name`), `visibleIf` →
display logic, `correctAnswer` → a quiz, localized strings
(`{"default": …, "de": …}`) → locales.
"""

from typing import Any

from django.utils.translation import gettext as _

from ..enums import ImportFormat, QuestionType
from .common import EXTRAS_KEY, Builder, apply_extras, norm_locale, number
from .report import ImportResult, file_error
from .surveyjs_source import (
    CELL_OVER_ROWS,
    CELL_PER_ROW,
    CHOICE_TYPES,
    MAX_CELLS,
    NOT_SUPPORTED,
    joined,
    locales_in,
    score_band,
    value_text,
)


class _Import:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        default = norm_locale(data.get("locale")) or "en"
        self.b = Builder(ImportFormat.SURVEYJS, default_locale=default)
        found: set[str] = set()
        locales_in(data, found)
        extra = sorted({n for n in map(norm_locale, found) if n and n != default})
        self.b.locales = [default, *extra]
        self.quiz = False

    def loc(self, value: Any, location: str, fallback: Any = None) -> dict[str, str]:
        if value is None or value == "" or value == {}:
            value = fallback
        if value is None:
            return {}
        if isinstance(value, dict):
            raw = {
                (self.b.default_locale if k == "default" else norm_locale(k) or ""): v
                for k, v in value.items()
            }
        else:
            raw = {self.b.default_locale: value}
        return self.b.localized(raw, location)

    def run(self) -> ImportResult:
        data, b = self.data, self.b
        pages = data.get("pages")
        if pages is None and isinstance(data.get("elements"), list):
            pages = [{"name": "page1", "elements": data["elements"]}]
        if not isinstance(pages, list):
            raise file_error(
                "invalid",
                _("A SurveyJS survey needs %(pages)s (or %(elements)s).")
                % {"pages": "`pages`", "elements": "`elements`"},
            )
        b.texts(
            intro=self.loc(data.get("description"), "description"),
            thanks=self.loc(data.get("completedHtml"), "completedHtml"),
        )
        for key in ("triggers", "calculatedValues", "navigateToUrl"):
            if data.get(key):
                b.skip(key, _("%(key)s is not supported") % {"key": key})
        for pi, page in enumerate(pages):
            if not isinstance(page, dict):
                raise file_error(
                    "invalid", _("%(where)s is not an object.") % {"where": f"pages[{pi}]"}
                )
            self.page(page, f"pages[{pi}]", pi)
        self.outcomes(data.get("completedHtmlOnCondition") or [])
        title = self.loc(data.get("title"), "title")
        result = b.result(title=title, kind="quiz" if self.quiz else "survey")
        apply_extras(result.document, data.get(EXTRAS_KEY), skip=("sections",))
        return result

    def outcomes(self, rules: list[Any]) -> None:
        """Quiz results by score (`{correctAnswers} >= 2 and …`) → outcome bands."""
        b = self.b
        if not rules:
            return
        if not self.quiz:
            b.skip(
                "completedHtmlOnCondition", _("end pages by condition are only read for quizzes")
            )
            return
        top = sum(1 for s in b.sections for q in s["questions"] if q.get("points"))
        bands: list[dict[str, Any]] = []
        for i, rule in enumerate(rules):
            at = f"completedHtmlOnCondition[{i}]"
            expression = str(rule.get("expression", "")) if isinstance(rule, dict) else ""
            band = score_band(expression, top)
            if band is None:
                b.skip(
                    at,
                    _("%(expression)s is not a score band on %(key)s")
                    % {"expression": repr(expression[:200]), "key": "correctAnswers"},
                )
                continue
            title = self.loc(rule.get("html"), f"{at}.html") or {b.default_locale: expression}
            bands.append({"min": band[0], "max": band[1], "title": title})
        ordered = sorted(bands, key=lambda o: o["min"])
        if any(b2["min"] <= b1["max"] for b1, b2 in zip(ordered, ordered[1:], strict=False)):
            b.skip("completedHtmlOnCondition", _("the score bands overlap: no outcomes imported"))
            return
        if bands:
            b.doc["outcomes"] = bands

    def page(self, page: dict[str, Any], where: str, index: int) -> None:
        b = self.b
        section = b.section(
            page.get("name") or f"page{index + 1}",
            f"{where}.name",
            title=self.loc(page.get("title"), f"{where}.title"),
            description=self.loc(page.get("description"), f"{where}.description"),
        )
        logic = b.logic(page.get("visibleIf"), f"{where}.visibleIf")
        if logic:
            section["display_logic"] = logic
        # `questions` is the older name of `elements`, which SurveyJS still reads
        self.elements(section, page.get("elements") or page.get("questions") or [], where)
        apply_extras(section, page.get(EXTRAS_KEY), skip=("questions",))

    def elements(self, section: dict[str, Any], elements: list[Any], where: str) -> None:
        for ei, el in enumerate(elements):
            at = f"{where}.elements[{ei}]"
            if not isinstance(el, dict):
                self.b.skip(at, _("not an element object"))
                continue
            kind = str(el.get("type", ""))
            at_named = f"{at} ({el.get('name', '?')})"
            if kind == "panel":
                self.b.approx(at_named, _("panel flattened into its page"))
                self.elements(section, el.get("elements") or el.get("questions") or [], at)
                continue
            if kind == "matrixdropdown":
                self.matrix_dropdown(section, el, at_named)
                continue
            if kind == "html":
                html = self.loc(el.get("html"), at_named)
                if html:
                    self.b.approx(at_named, _("HTML element shown as the page's description"))
                    self.b.describe(section, html)
                continue
            self.question(section, el, kind, at_named)

    def matrix_dropdown(self, section: dict[str, Any], el: dict[str, Any], at: str) -> None:
        """A matrix of dropdowns: one question per column (over the rows, or per row)."""
        b = self.b
        name, title = el.get("name") or "matrix", el.get("title") or el.get("name") or ""
        rows = el.get("rows") or []
        made: list[tuple[dict[str, Any], str]] = []
        for ci, column in enumerate(el.get("columns") or []):
            if not isinstance(column, dict):
                continue
            col_at = f"{at}.columns[{ci}] ({column.get('name', '?')})"
            cell = column.get("cellType") or el.get("cellType") or "dropdown"
            choices = column.get("choices") or el.get("choices") or [1, 2, 3, 4, 5]
            col_title = column.get("title") or column.get("name") or ""
            base = {k: column[k] for k in ("isRequired", "rateMin", "rateMax") if k in column}
            base["visibleIf"] = el.get("visibleIf")
            if cell in CELL_OVER_ROWS:
                made.append(
                    (
                        {
                            **base,
                            "type": "matrix",
                            "name": f"{name}_{column.get('name', ci)}",
                            "title": joined(title, col_title),
                            "columns": choices,
                            "rows": rows,
                        },
                        col_at,
                    )
                )
            elif cell in CELL_PER_ROW:
                for ri, row in enumerate(rows):
                    value, text = value_text(row)
                    made.append(
                        (
                            {
                                **base,
                                "type": CELL_PER_ROW[cell],
                                "name": f"{name}_{value}_{column.get('name', ci)}",
                                "title": joined(joined(title, text or str(value)), col_title),
                                "choices": choices,
                            },
                            f"{col_at} row {ri}",
                        )
                    )
            else:
                b.skip(
                    col_at,
                    _("a %(kind)s column of a matrix of dropdowns is not supported")
                    % {"kind": cell},
                )
        if len(made) > MAX_CELLS:
            b.skip(
                at,
                _("%(n)s questions: only the first %(max)s are asked")
                % {"n": len(made), "max": MAX_CELLS},
            )
            made = made[:MAX_CELLS]
        if made:
            b.approx(at, _("a matrix of dropdowns became one question per column (and row)"))
        else:
            b.skip(at, _("a matrix of dropdowns without a column that can be asked: left out"))
        for element, where in made:
            self.question(section, element, element["type"], where)

    def question(self, section: dict[str, Any], el: dict[str, Any], kind: str, at: str) -> None:
        b = self.b
        if kind in NOT_SUPPORTED:
            b.skip(
                at,
                _("%(kind)s (%(what)s) has no TrustPulse question type")
                % {"kind": kind, "what": NOT_SUPPORTED[kind]},
            )
            return
        name = el.get("name") or "question"
        code = b.unique(name, b.question_codes, f"{at}.name")
        q: dict[str, Any] = {
            "code": code,
            "type": "short_text",
            "text": self.loc(el.get("title"), f"{at}.title", fallback=name),
        }
        help_text = self.loc(el.get("description"), f"{at}.description")
        if help_text:
            q["help_text"] = help_text
        if el.get("isRequired"):
            q["required"] = True
        if kind in CHOICE_TYPES:
            self.choice(q, el, kind, at)
        elif kind == "rating":
            self.rating(q, el, at)
        elif kind == "matrix":
            self.matrix(q, el, at)
        elif kind == "text":
            self.text(q, el, at)
        elif kind == "comment":
            q["type"] = "long_text"
            self.text_settings(q, el, at)
        elif kind == "boolean":
            q["type"] = "yes_no"
            if el.get("labelTrue") or el.get("labelFalse"):
                b.approx(at, _("custom yes/no labels replaced by Yes and No"))
        elif kind == "ranking":
            q["type"] = "ranking"
            q["choices"] = self.choices(code, el.get("choices") or [], at)
        else:
            b.skip(at, _("element type %(kind)s is not supported") % {"kind": repr(kind)})
            return
        if "correctAnswer" in el and not q.get("points"):
            b.skip(
                f"{at}.correctAnswer",
                _("a correct answer of a %(type)s question is not scored")
                % {"type": str(QuestionType(q["type"]).label).lower()},
            )
        logic = b.logic(el.get("visibleIf"), f"{at}.visibleIf")
        if logic:
            q["display_logic"] = logic
        for key in ("enableIf", "requiredIf", "validators", "defaultValue", "readOnly"):
            if el.get(key):
                b.skip(f"{at}.{key}", _("%(key)s is not supported") % {"key": key})
        if not q["text"]:
            q["text"] = {b.default_locale: str(name)}
        apply_extras(q, el.get(EXTRAS_KEY))
        b.add(section, q)
        b.ref(str(name), code)

    def choices(self, code: str, items: list[Any], at: str) -> list[dict[str, Any]]:
        used: set[str] = set()
        out = []
        mapping = self.b.choice_maps.setdefault(code, {})
        for ci, item in enumerate(items):
            value, text = value_text(item)
            c_code = self.b.unique(value, used, f"{at}.choices[{ci}]", prefix="c")
            mapping[str(value)] = c_code
            label = self.loc(text, f"{at}.choices[{ci}]", fallback=str(value))
            out.append(
                {"code": c_code, "label": self.b.fallback(label, c_code, f"{at}.choices[{ci}]")}
            )
        return out

    def choice(self, q: dict[str, Any], el: dict[str, Any], kind: str, at: str) -> None:
        b = self.b
        q["type"] = CHOICE_TYPES[kind]
        q["choices"] = self.choices(q["code"], el.get("choices") or [], at)
        multiple = q["type"] == "multiple_choice"
        if el.get("hasOther") or el.get("showOtherItem"):
            q["allow_other"] = True
            other = self.loc(el.get("otherText"), f"{at}.otherText")
            if other:
                q["settings"] = {"other_label": other}
        if el.get("hasNone") or el.get("showNoneItem"):
            none: dict[str, Any] = {
                "code": "none",
                "label": self.loc(el.get("noneText"), f"{at}.noneText", fallback="None"),
            }
            if multiple:
                none["exclusive"] = True
            if "none" not in {c["code"] for c in q["choices"]}:
                q["choices"].append(none)
                b.choice_maps[q["code"]]["none"] = "none"
        if el.get("hasSelectAll") or el.get("showSelectAllItem"):
            b.skip(f"{at}.hasSelectAll", _("the 'select all' item is not supported"))
        if el.get("choicesOrder") == "random":
            q["randomize_choices"] = True
        elif el.get("choicesOrder") in ("asc", "desc"):
            b.approx(f"{at}.choicesOrder", _("choices kept in the source order, not sorted"))
        if el.get("choicesVisibleIf") or el.get("choicesEnableIf"):
            b.skip(at, _("conditions on choices are not imported: every choice is shown"))
        if el.get("choicesByUrl") or el.get("choicesFromQuestion"):
            b.skip(at, _("choices loaded from elsewhere are not imported"))
        if multiple:
            settings = q.setdefault("settings", {})
            for src, dst in (
                ("minSelectedChoices", "min_selections"),
                ("maxSelectedChoices", "max_selections"),
            ):
                n = number(el.get(src))
                if n:
                    settings[dst] = int(n)
            if not settings:
                q.pop("settings")
        if "correctAnswer" in el:
            answers = el["correctAnswer"]
            answers = answers if isinstance(answers, list) else [answers]
            mapping = b.choice_maps[q["code"]]
            correct = {mapping.get(str(a)) for a in answers}
            for c in q["choices"]:
                if c["code"] in correct:
                    c["is_correct"] = True
            q["points"] = 1
            self.quiz = True

    def rating(self, q: dict[str, Any], el: dict[str, Any], at: str) -> None:
        b = self.b
        values = el.get("rateValues") or []
        lo_label = self.loc(el.get("minRateDescription"), f"{at}.minRateDescription")
        hi_label = self.loc(el.get("maxRateDescription"), f"{at}.maxRateDescription")
        if not values:
            lo = number(el.get("rateMin", 1))
            hi = number(el.get("rateMax", 5))
            step = number(el.get("rateStep", 1))
            if lo is None or hi is None or not step or step <= 0 or hi <= lo:
                b.approx(at, _("rating range not understood: 1 to 5 used"))
                lo, hi, step = 1, 5, 1
            if (lo, hi, step) == (1, 5, 1) and not (lo_label or hi_label):
                q["type"] = "rating"
                return
            if (lo, hi, step) == (0, 10, 1):
                q["type"] = "nps"
                settings = {"low_label": lo_label, "high_label": hi_label}
                q["settings"] = {k: v for k, v in settings.items() if v}
                if not q["settings"]:
                    q.pop("settings")
                return
            points: list[Any] = []
            v = lo
            while v <= hi and len(points) <= 11:
                points.append(v)
                v += step
            values = points
        if len(values) > 11:
            q["type"] = "number"
            q["settings"] = {
                "min": number(el.get("rateMin", 0)),
                "max": number(el.get("rateMax", 100)),
                "widget": "slider",
            }
            b.approx(at, _("a rating with more than 11 points became a slider"))
            return
        q["type"] = "scale"
        choices = self.points(q["code"], values, f"{at}.rateValues")
        q["choices"] = choices
        settings = {"low_label": lo_label, "high_label": hi_label}
        if any(settings.values()):
            q["settings"] = {k: v for k, v in settings.items() if v}

    def points(self, code: str, items: list[Any], at: str) -> list[dict[str, Any]]:
        """Scale points (rating values, matrix columns): numeric values, codes v<value>."""
        b = self.b
        mapping = b.choice_maps.setdefault(code, {})
        used: set[str] = set()
        out: list[dict[str, Any]] = []
        for vi, item in enumerate(items):
            value, text = value_text(item)
            n = number(value)
            if n is None:
                n = vi + 1
                b.approx(
                    f"{at}[{vi}]",
                    _("value %(value)s is not a number: scored %(n)s")
                    % {"value": repr(value), "n": n},
                )
            if any(p["value"] == n for p in out):
                b.skip(
                    f"{at}[{vi}]",
                    _("value %(value)s repeats an earlier point: left out")
                    % {"value": repr(value)},
                )
                continue
            raw = f"v{n}".replace("-", "m").replace(".", "_")
            c_code = b.unique(raw, used, f"{at}[{vi}]")
            mapping[str(value)] = c_code
            label = self.loc(text, f"{at}[{vi}]", fallback=str(value))
            out.append({"code": c_code, "label": label, "value": n})
        return out

    def matrix(self, q: dict[str, Any], el: dict[str, Any], at: str) -> None:
        b = self.b
        q["type"] = "matrix"
        q["choices"] = self.points(q["code"], el.get("columns") or [], f"{at}.columns")
        if len(q["choices"]) > 11:
            b.approx(f"{at}.columns", _("more than 11 columns: only the first 11 kept"))
            q["choices"] = q["choices"][:11]
        rows = []
        used: set[str] = set()
        for ri, row in enumerate(el.get("rows") or []):
            value, text = value_text(row)
            code = b.unique(value, used, f"{at}.rows[{ri}]", prefix="r")
            label = self.loc(text, f"{at}.rows[{ri}]", fallback=str(value))
            rows.append({"code": code, "text": label})
        q["settings"] = {"rows": rows}
        if el.get("isAllRowRequired"):
            q["required"] = True

    def text(self, q: dict[str, Any], el: dict[str, Any], at: str) -> None:
        b = self.b
        input_type = el.get("inputType") or "text"
        if input_type in ("number", "range"):
            q["type"] = "number"
            lo, hi = b.bounds(number(el.get("min")), number(el.get("max")), at)
            q["settings"] = {"min": lo, "max": hi}
            step = number(el.get("step"))
            if step:
                q["settings"]["step"] = step
            if input_type == "range":
                q["settings"]["widget"] = "slider"
            return
        if input_type == "date":
            q["type"] = "date"
            settings = {k: el[k] for k in ("min", "max") if isinstance(el.get(k), str)}
            if settings:
                q["settings"] = settings
            return
        if input_type not in ("text",):
            b.approx(
                f"{at}.inputType",
                _("input type %(kind)s became a short text") % {"kind": repr(input_type)},
            )
        q["type"] = "short_text"
        self.text_settings(q, el, at)

    def text_settings(self, q: dict[str, Any], el: dict[str, Any], at: str) -> None:
        settings: dict[str, Any] = {}
        n = number(el.get("maxLength"))
        if n and n > 0:
            settings["max_length"] = int(n)
        placeholder = self.loc(el.get("placeholder") or el.get("placeHolder"), f"{at}.placeholder")
        if placeholder:
            settings["placeholder"] = placeholder
        if settings:
            q["settings"] = settings


def parse_surveyjs(data: Any) -> ImportResult:
    """Import a parsed SurveyJS JSON survey."""
    if not isinstance(data, dict):
        raise file_error("invalid", _("A SurveyJS survey is a JSON object."))
    return _Import(data).run()
