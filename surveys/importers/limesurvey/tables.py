"""What the LimeSurvey importer knows of LimeSurvey's question types and attributes."""

from django.utils.translation import gettext_lazy as _

Row = dict[str, str]

CHOICE = {"L": "single_choice", "!": "single_choice", "O": "single_choice"}
TEXT = {"S": "short_text", "T": "long_text", "U": "long_text"}
FIXED_MATRIX = {
    "C": [("Y", "Yes"), ("U", "Uncertain"), ("N", "No")],
    "E": [("I", "Increase"), ("S", "Same"), ("D", "Decrease")],
}
USED_ATTRIBUTES = {"min_num_value_n", "max_num_value_n", "num_value_int_only", "min_answers"}
USED_ATTRIBUTES |= {"max_answers", "maximum_chars", "random_order"}
USED_ATTRIBUTES |= {"dualscale_headerA", "dualscale_headerB", "multiflexible_checkbox"}
USED_ATTRIBUTES |= {"multiflexible_min", "multiflexible_max", "multiflexible_step"}
# Presentation only: how LimeSurvey lays a question out, nothing a respondent answers.
LOOKS = {"hide_tip", "cssclass", "display_columns", "text_input_width", "input_size"}
LOOKS |= {"answer_width", "display_rows", "page_break", "scale_export", "printable_help"}
LOOKS |= {"statistics_showgraph", "statistics_graphtype", "statistics_showmap"}
LOOKS |= {"public_statistics", "question_template", "alphasort", "use_dropdown"}
LOOKS |= {"prefix", "suffix", "placeholder", "time_limit_action", "image", "save_as_default"}
# Asked as several questions: one per subquestion, per cell or per scale (reported).
SPLIT = {
    "K": (_("multiple numerical input"), _("one number question per subquestion")),
    "Q": (_("multiple short text"), _("one short text per subquestion")),
    ";": (_("array of texts"), _("one short text per cell (row — column)")),
    ":": (_("array of numbers"), _("one number question per cell (row — column)")),
    "1": (_("dual-scale array"), _("one array per scale")),
}
MAX_CELLS = 60  # questions an array of texts or numbers may become
NOT_SUPPORTED = {
    "|": _("file upload"),
    "*": _("equation"),
    "I": _("language switch"),
}
