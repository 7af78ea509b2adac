"""The language switcher in the page header: a visitor and a signed-in user choose English, French or German; the page
says which language it is in (`<html lang>`) and the switcher shows the choice. The translated text itself depends on
the compiled catalogs (locale/), so these tests look at the language code and the selected option only."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from vendoreval.accounts.models import UserSettings

pytestmark = pytest.mark.django_db


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]*)"', html).group(1)


def selected_language(html: str) -> list[str]:
    select = html.split('<select id="language-select"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\w+)"[^>]*\bselected\b', select)


def switch(client: Client, code: str, next_url: str = "/"):
    return client.post(reverse("language-switch"), {"language": code, "next": next_url})


def test_the_header_form_is_a_labelled_select_of_the_three_languages_each_in_its_own_name(client):
    html = client.get(reverse("home")).content.decode()
    form = html.split('<form class="language"', 1)[1].split("</form>", 1)[0]
    assert f'action="{reverse("language-switch")}"' in form and 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form and '<input type="hidden" name="next" value="/">' in form
    assert '<label for="language-select">' in form  # bound to the select: screen readers announce it
    assert 'name="language" data-submit-on-change' in form
    assert re.findall(r'<option value="(\w+)" lang="\w+"[^>]*>([^<]+)</option>', form) == [
        ("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
    assert '<button class="link small" type="submit">' in form  # works without JavaScript
    assert html_lang(html) == "en" and selected_language(html) == ["en"]


def test_a_visitor_switching_to_french_gets_the_french_home_page(client):
    response = switch(client, "fr", "/")
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get(reverse("home")).content.decode()
    assert html_lang(html) == "fr" and selected_language(html) == ["fr"]
    login = client.get(reverse("login")).content.decode()  # the choice holds on the next page too
    assert html_lang(login) == "fr" and selected_language(login) == ["fr"]


def test_the_switch_returns_to_the_page_it_was_used_on_but_never_to_another_site(client):
    assert switch(client, "de", reverse("catalog") + "?q=1")["Location"] == reverse("catalog") + "?q=1"
    assert switch(client, "de", "https://evil.example/")["Location"] == reverse("home")
    assert switch(client, "xx", "/")["Location"] == "/"  # an unknown language changes nothing
    assert html_lang(client.get(reverse("home")).content.decode()) == "de"


def test_a_signed_in_users_choice_is_kept_in_their_settings_and_follows_them_to_another_browser(evaluation, viewer):
    browser = Client()
    browser.force_login(viewer)
    switch(browser, "de", reverse("home"))
    assert UserSettings.objects.get(user=viewer).language == "de"
    html = browser.get(reverse("home")).content.decode()
    assert html_lang(html) == "de" and selected_language(html) == ["de"]
    assert evaluation.name in html  # still their evaluations page

    other = Client()  # no cookie, no session: the choice comes from the user's settings at log-in
    other.force_login(viewer)
    html = other.get(reverse("home")).content.decode()
    assert html_lang(html) == "de" and selected_language(html) == ["de"]


def test_the_400_page_speaks_the_visitors_language_too(client):
    client.cookies["vendoreval_language"] = "fr"
    response = client.get(reverse("catalog"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert html_lang(response.content.decode()) == "fr"


@pytest.mark.parametrize(("language", "saving", "counter"), [
    ("en", "Saving…", "{length} of {limit} characters"),
    ("fr", "Enregistrement…", "{length} sur {limit} caractères"),
    ("de", "Wird gespeichert…", "{length} von {limit} Zeichen"),
])
def test_the_script_gets_its_sentences_in_the_pages_language_without_inline_script(language, saving, counter):
    import html as html_module
    import json

    page = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("home")).content.decode()
    attribute = re.search(r'<body[^>]* data-messages="([^"]*)"', page).group(1)
    sentences = json.loads(html_module.unescape(attribute))
    assert sentences["saving"] == saving and sentences["counter"] == counter
    assert "<script>" not in page and 'type="application/json"' not in page
