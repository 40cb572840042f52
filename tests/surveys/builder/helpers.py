"""Building a survey through the builder's form posts, as the builder suites do."""


def base(org, pk=None):
    return f"/studio/{org.slug}/surveys/" + (f"{pk}/" if pk else "")


def add_section(client, org, survey, code="intro", **extra):
    return client.post(
        base(org, survey.pk) + "sections/new/",
        {"code": code, "title__en": "About you", "title__zh-Hant": "關於您", **extra},
    )


def add_scale(client, org, survey, section="intro", code="trust", **extra):
    data = {
        "code": code,
        "type": "scale",
        "text__en": "I trust this brand.",
        "text__zh-Hant": "我信任這個品牌。",
        "required": "on",
        "purpose": "survey_research",
        "construct": "trust_brand",
    }
    for i, (c, v, en) in enumerate([("d", 1, "Disagree"), ("n", 2, "Neither"), ("a", 3, "Agree")]):
        data.update(
            {
                f"c-{i}-code": c,
                f"c-{i}-value": str(v),
                f"c-{i}-order": str(i + 1),
                f"c-{i}-label__en": en,
                f"c-{i}-label__zh-Hant": en + "（中）",
            }
        )
    data.update(extra)
    return client.post(base(org, survey.pk) + f"sections/{section}/questions/new/?type=scale", data)
