"""The JavaScript translation catalogue (``/jsi18n/``) that every page loads.

Django's ``JavaScriptCatalog`` reads the ``djangojs`` .mo files again on every request. This view builds each
language's catalogue once per process and sends it with an ``ETag``: the next page load revalidates it
(``If-None-Match``) and gets a bodiless 304. The body is exactly Django's. A settings change (tests) or an edited
.mo file (the development autoreloader) empties the cache, as it resets Django's own translations.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.utils.autoreload import file_changed
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language
from django.views.i18n import JavaScriptCatalog

# (language, domain, packages) -> (body, content type, ETag)
_catalogs: dict[tuple[str, str, str], tuple[bytes, str, str]] = {}


class CachedJavaScriptCatalog(JavaScriptCatalog):
    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        packages = kwargs.get("packages", "") or "+".join(self.packages or ())
        key = (get_language(), kwargs.get("domain", self.domain), packages)
        cached = _catalogs.get(key)
        if cached is None:
            built = super().get(request, *args, **kwargs)
            digest = hashlib.md5(built.content, usedforsecurity=False).hexdigest()
            cached = _catalogs[key] = (built.content, built["Content-Type"], f'"{key[0]}-{digest}"')
        body, content_type, etag = cached
        response = HttpResponse(body, content_type=content_type)
        response["ETag"] = etag
        return get_conditional_response(request, etag=etag, response=response)


def clear_cache(**kwargs) -> None:
    _catalogs.clear()


def _on_file_changed(*, file_path: Path, **kwargs) -> None:
    if Path(file_path).suffix == ".mo":
        clear_cache()


setting_changed.connect(clear_cache)
file_changed.connect(_on_file_changed)
