"""What the LimeSurvey importer knows of LimeSurvey's question types and attributes."""

Row = dict[str, str]

CHOICE = {"L": "single_choice", "!": "single_choice", "O": "single_choice"}
TEXT = {"S": "short_text", "T": "long_text", "U": "long_text"}
FIXED_MATRIX = {
    "C": [("Y", "Yes"), ("U", "Uncertain"), ("N", "No")],
    "E": [("I", "Increase"), ("S", "Same"), ("D", "Decrease")],
}
USED_ATTRIBUTES = {"min_num_value_n", "max_num_value_n", "num_value_int_only", "min_answers"}
USED_ATTRIBUTES |= {"max_answers", "maximum_chars", "random_order"}
# Presentation only: how LimeSurvey lays a question out, nothing a respondent answers.
LOOKS = {"hide_tip", "cssclass", "display_columns", "text_input_width", "input_size"}
LOOKS |= {"answer_width", "display_rows", "page_break", "scale_export", "printable_help"}
LOOKS |= {"statistics_showgraph", "statistics_graphtype", "statistics_showmap"}
LOOKS |= {"public_statistics", "question_template", "alphasort", "use_dropdown"}
LOOKS |= {"prefix", "suffix", "placeholder", "time_limit_action", "image", "save_as_default"}
NOT_SUPPORTED = {
    "K": "multiple numerical input",
    "Q": "multiple short text",
    ";": "array of texts",
    ":": "array of numbers",
    "1": "dual-scale array",
    "|": "file upload",
    "*": "equation",
    "I": "language switch",
}
