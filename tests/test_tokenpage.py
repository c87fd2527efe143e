"""core.tokenpage: a page compressed once, with a per-response token joined in as its own deflate blocks."""

from __future__ import annotations

import gzip
import zlib

import pytest
from django.test import RequestFactory

from core.tokenpage import TokenPage

PLACE = "TOKEN-PLACE"
HTML = "<html>" + "Общини и услуги " * 400 + f'<input value="{PLACE}">' + "край " * 300 + f"{PLACE}</html>"


@pytest.mark.parametrize("html", [HTML, PLACE, f"a{PLACE}", f"{PLACE}b", "no token at all", "", PLACE * 3])
def test_the_gzipped_page_is_the_page_with_the_token_in_place(html):
    page = TokenPage.of(html, PLACE)
    for token in ("abc", "x" * 64, "ТОКЕН"):
        expected = html.replace(PLACE, token).encode()
        assert gzip.decompress(page.gzipped(token)) == expected
        assert page.plain(token) == expected


def test_the_page_is_compressed_as_well_as_in_one_piece_and_each_response_is_padded():
    page = TokenPage.of(HTML, PLACE)
    whole = len(zlib.compress(HTML.replace(PLACE, "t" * 64).encode(), 6))
    sizes = {len(page.gzipped("t" * 64)) for _ in range(30)}
    assert max(sizes) < whole + 200  # the flushes and the padding cost little
    assert len(sizes) > 1  # Heal The Breach: the length varies at random


def test_the_token_is_compressed_alone():
    """Its compressed bytes do not depend on the page around it (no back-reference either way)."""
    token = "Общини и услуги"  # text the page repeats: in one piece it would compress to a back-reference
    first = TokenPage.of(HTML, PLACE).gzipped(token)
    other = TokenPage.of("nothing alike " + PLACE, PLACE).gzipped(token)
    alone = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    packed = alone.compress(token.encode()) + alone.flush(zlib.Z_FULL_FLUSH)
    assert packed in first
    assert packed in other


def test_gzip_only_for_clients_that_accept_it():
    page = TokenPage.of(HTML, PLACE)
    factory = RequestFactory()
    packed = page.response(factory.get("/", HTTP_ACCEPT_ENCODING="br, gzip"), "tok")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == HTML.replace(PLACE, "tok").encode()
    plain = page.response(factory.get("/"), "tok")
    assert not plain.has_header("Content-Encoding")
    assert plain.content == HTML.replace(PLACE, "tok").encode()
    assert "Accept-Encoding" in packed["Vary"]
    assert "Accept-Encoding" in plain["Vary"]
