"""A cached page whose only per-response part is a token (its forms' CSRF token), served plain or
gzipped without compressing the page again on every response.

The page is cut at each place of the token and each piece is compressed once, on its own, as raw
deflate blocks that end flushed to a byte boundary (the last one finished). A deflate stream may be
made of such pieces one after another (RFC 1951: blocks are independent once the compressor's
history is reset), so a response compresses only its token and joins the pieces; the gzip trailer's
CRC-32 runs over the plain bytes (fast, no compression). See docs/open-data.md, "Speed".

BREACH: the token is compressed alone, so its compressed length says nothing about the rest of the
page, and each response gets the random-length padding of Django's GZipMiddleware (Heal The
Breach) in the gzip header's file name.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from dataclasses import dataclass

from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

LEVEL = 6  # as Django's GZipMiddleware
MAX_RANDOM_BYTES = 100  # as Django's GZipMiddleware
GZIP_HEADER = bytes([0x1F, 0x8B, 8, 8, 0, 0, 0, 0, 0, 255])  # deflate, FNAME set, no mtime, unknown OS
# Stands in for the CSRF token when a page is rendered to be cached whole (the template's
# `{% csrf_token %}` writes it); each response gets the visitor's own token in its place.
CSRF_SENTINEL = "tokenpage-csrf-token-sentinel"


def messages_waiting(request: HttpRequest) -> bool:
    """Whether a message waits to be shown, in Django's cookie storage or (when it overflowed) the session's:
    a page cached whole must not be served then, or the message would never show."""
    session = getattr(request, "session", None)
    return CookieStorage.cookie_name in request.COOKIES or (
        session is not None and SessionStorage.session_key in session
    )


def _deflate(data: bytes, last: bool) -> bytes:
    """`data` as raw deflate blocks compressed on their own: finished, or flushed to a byte boundary."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def _padding() -> bytes:
    """A NUL-terminated file name of random length, as Django pads (0 to MAX_RANDOM_BYTES - 1 bytes)."""
    return b"a" * secrets.randbelow(MAX_RANDOM_BYTES) + b"\x00"


@dataclass(frozen=True)
class TokenPage:
    """An HTML page, cut where its per-response token goes."""

    pieces: tuple[bytes, ...]  # the page's UTF-8 bytes, cut at each place of the token
    packed: tuple[bytes, ...]  # each piece compressed on its own (the last one finished)

    @classmethod
    def of(cls, html: str, placeholder: str) -> TokenPage:
        pieces = tuple(piece.encode() for piece in html.split(placeholder))
        last = len(pieces) - 1
        return cls(pieces, tuple(_deflate(piece, i == last) for i, piece in enumerate(pieces)))

    def plain(self, token: str) -> bytes:
        return token.encode().join(self.pieces)

    def gzipped(self, token: str) -> bytes:
        """The page with `token` in place, as one gzip member."""
        encoded = token.encode()
        packed_token = _deflate(encoded, False)
        body, crc, size = [GZIP_HEADER, _padding()], 0, 0
        for i, (piece, packed) in enumerate(zip(self.pieces, self.packed, strict=True)):
            if i:
                body.append(packed_token)
                crc, size = zlib.crc32(encoded, crc), size + len(encoded)
            body.append(packed)
            crc, size = zlib.crc32(piece, crc), size + len(piece)
        body.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(body)

    def response(self, request: HttpRequest, token: str) -> HttpResponse:
        """Gzipped when the client accepts it (GZipMiddleware then leaves the response as it is)."""
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(self.gzipped(token))
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(self.plain(token))
        patch_vary_headers(response, ("Accept-Encoding",))
        return response
