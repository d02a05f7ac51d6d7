def test_login_page_is_public(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'lang="en"' in response.content
    assert b"<main" in response.content


def test_provider_lands_on_provider_dashboard(login, provider):
    response = login(provider.user).get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/provider/"
