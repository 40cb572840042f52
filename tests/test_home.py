def test_home_page_in_both_languages(client, db):
    r = client.get("/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Sign in to manage surveys" in body and 'href="/studio/"' in body
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-Hant")
    assert "登入以管理問卷" in r.content.decode()
    assert '<html lang="zh-Hant">' in r.content.decode()


def test_home_page_links_to_the_demo_survey_and_quiz(client, db):
    from tests.factories import OrganizationFactory, live_survey

    assert "Try the demo" not in client.get("/").content.decode()  # no demo loaded
    org = OrganizationFactory(slug="acme-privacy")
    live_survey(org, slug="privacy-comfort")
    live_survey(org, "privacy_quiz", slug="privacy-quiz")
    body = client.get("/").content.decode()
    assert "Try the demo" in body
    assert '<a href="/s/privacy-comfort/">Answer the demo privacy-comfort survey</a>' in body
    assert '<a href="/s/privacy-quiz/">Take the demo privacy quiz</a>' in body
