"""Best-effort scrubbing of free text before it leaves in an export.

Free text is excluded unless the survey's author opted in. When included it
goes through ``scrub_text``: e-mail addresses, URLs, phone numbers and other
long digit runs, and names (after "my name is", "I'm", "call me", … and
capitalized words from a list of common given names) are replaced by
placeholders. This is a heuristic: it cannot promise that no one is
identifiable from what they wrote, which is why free text is off by default
(docs/EXPORTS.md).
"""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|io|de|nl|uk|tw|hk)(?:/\S*)?\b", re.I
)
# Seven or more digits, possibly separated by spaces, dots, dashes or parentheses.
PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s().-]*\d){6,}(?![\w])")
INTRO = re.compile(
    r"\b((?i:my name is|i am|i'm|call me|this is|signed|regards,?|cheers,?|thanks,?))\s+"
    r"([A-Z][a-z'’-]+(?:\s+(?:(?:de|van|der|den|von|da|di|del|le|la|al|bin)\s+)*[A-Z][a-z'’-]+)?)"
)
GIVEN_NAMES = frozenset(
    """
    aaron adam ahmed alex alexander alice amanda amy andrea andrew angela anna anne anthony
    ashley barbara ben benjamin beth brian carlos carol catherine charles chen chris christine
    christopher claire daniel david deborah dennis diana donald donna dorothy edward elizabeth
    emily emma eric fatima frank gary george hannah harry helen henry ian jack james jan jane
    jason jennifer jessica joe john jonathan jose joseph joshua julia karen kate kevin kim laura
    lee li linda lisa liu lucas luis maria mark martin mary matthew michael michelle mohammed
    nancy nicole olivia patricia paul peter rachel rebecca richard robert ryan sandra sarah scott
    sophie stephen steven susan thomas tim timothy tom wang wei william yuki zhang
    """.split()
)
NAME_WORD = re.compile(r"\b[A-Z][a-z]{1,20}\b")


def scrub_text(text: str) -> str:
    """`text` with e-mails, URLs, phone numbers and likely names replaced by placeholders."""
    if not text:
        return text
    out = EMAIL.sub("[email]", text)
    out = URL.sub("[url]", out)
    out = PHONE.sub("[phone]", out)
    out = INTRO.sub(lambda m: f"{m.group(1)} [name]", out)
    return NAME_WORD.sub(
        lambda m: "[name]" if m.group(0).lower() in GIVEN_NAMES else m.group(0), out
    )
