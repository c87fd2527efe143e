"""The API's schema speaks one language: its descriptions are written in English, so it is built in
English unless `?lang=bg` asks for the choices' labels and the fields' titles in Bulgarian. Built in
the portal's default language it mixed English descriptions with Bulgarian labels."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[\u0400-\u04FF]+")
# Bulgarian words the English descriptions keep on purpose, as glosses: "municipalities (общини)".
GLOSSES = {"общини", "области"}


def schema(client, **query) -> tuple[str, str]:
    response = client.get("/api/schema/", {"format": "json", **query})
    assert response.status_code == 200
    return response.content.decode(), response["Content-Language"]


def test_the_schema_is_in_english_by_default_whatever_the_portal_language(client):
    text, language = schema(client)
    assert language == "en"
    assert set(CYRILLIC.findall(text)) <= GLOSSES  # no Bulgarian label among the English descriptions
    assert "`lt5k` - under 5,000" in text
    assert '"title": "NSI code"' in text


def test_the_schema_in_bulgarian_on_request(client):
    text, language = schema(client, lang="bg")
    assert language == "bg"
    assert "`lt5k` - под 5 000" in text
    assert "Код по НСИ" in text


def test_swagger_ui_passes_the_language_on_to_the_schema(client):
    script = client.get("/api/schema/swagger/", {"lang": "bg", "script": ""})  # its start-up script
    assert script.status_code == 200
    # The script carries the schema's address as a JSON string ("=" written \\u003D).
    assert 'url: "/api/schema/?lang=bg"' in script.content.decode().replace("\\u003D", "=")
    default = client.get("/api/schema/swagger/", {"script": ""}).content.decode()
    assert 'url: "/api/schema/"' in default  # no language asked: the schema's own default, English
