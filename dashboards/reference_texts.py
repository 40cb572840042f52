"""The texts of reference_figures.json, marked for the translation catalogue.

charts.reference_traces translates a reference's label and definition when it
draws them; makemessages cannot read JSON, so the texts are repeated here.
tests/test_translations.py fails when the two drift apart.
"""

from django.utils.translation import gettext_noop

TEXTS = (
    # xgettext:no-python-format
    gettext_noop("Cisco 2021: 32 % Privacy Actives"),
    gettext_noop(
        "Share of adults who say they care about data privacy, are willing to act to protect "
        "it, and have acted (switched companies or providers over their data policies or "
        "data-sharing practices)."
    ),
    # xgettext:no-python-format
    gettext_noop("Pew 2019: 9 % always read policies"),
    gettext_noop(
        "Share of U.S. adults who say they always read a company's privacy policy before "
        "agreeing to its terms and conditions."
    ),
)
