def test_home_page_in_both_languages(client, db):
    r = client.get("/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Sign in to manage surveys" in body and 'href="/studio/"' in body
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-Hant")
    assert "登入以管理問卷" in r.content.decode()
    assert '<html lang="zh-Hant">' in r.content.decode()
