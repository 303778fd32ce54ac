"""Whole list responses kept in the shared cache while nothing they show has changed.

A list page costs tens of milliseconds of queries and serialising; the same page asked
again, before any write, is the same bytes. The key holds everything the bytes depend on:

- the data version: a counter that database triggers move in the same transaction as any
  write to the tables the list reads, whatever the write path (ORM, bulk update, raw SQL).
  The app that owns the counter registers a function reading it (``register_data_version``;
  tracker does, so that core imports nothing above it); without one nothing is cached;
- the reader's scope (their role: partners see published agreements only);
- the URL as requested (scheme, host, path and query string, unnormalised: the page's
  links repeat the parameters in the order they came, so another order is another page);
- the media type the content negotiation chose; JSON only (the browsable API shows the
  user's name and a form token, so it is never cached);
- the UTC day, for what is judged against today (``as_of`` takes a day up to tomorrow).

The version is read before the page, so a page is never filed under a version older than
what it shows. Authentication, permissions and throttles run before the cache is read:
a revoked token is refused at once. Only 200s are kept. Every list answer carries an ETag
(a hash of its bytes): If-None-Match with it gives a 304.

A view may use this only if its list depends on nothing else: tables the version does not
count, other attributes of the user, or the clock beyond the day. A database restored from
a backup restarts the counter: clear the cache then (docs/operations.md).
"""

import hashlib
import json
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from rest_framework.response import Response

from .. import roles

# The key changes with every write; this only bounds how long a superseded page stays.
CACHE_SECONDS = 10 * 60
VERSION = 1  # raise when what a cached page holds changes shape

_data_version: Callable[[], int] | None = None


def register_data_version(source: Callable[[], int] | None) -> None:
    """Set the function that reads the data version (tracker's AppConfig.ready does)."""
    global _data_version  # one registration per process, at start-up
    _data_version = source


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _tags(header: str | None) -> set[str]:
    return {t.strip().removeprefix("W/") for t in (header or "").split(",") if t.strip()}


class CachedListMixin:
    """A viewset's list (GET and HEAD) answered from the cache when its key is there; see
    the module's docstring for what the key holds and when a view may use this."""

    _list_cache_key: str | None = None

    def list_cache_scope(self, request) -> str | None:
        """What, besides the URL, decides what this reader sees: their role."""
        return roles.role_of(request.user)

    def list_cache_key(self, request) -> str | None:
        if _data_version is None or request.method not in ("GET", "HEAD"):
            return None
        if getattr(request.accepted_renderer, "format", None) != "json":
            return None
        material = [
            VERSION,
            _data_version(),  # first: see the module's docstring
            str(timezone.now().date()),  # UTC (USE_TZ)
            self.list_cache_scope(request),
            request.build_absolute_uri(),
            request.accepted_media_type,
        ]
        digest = hashlib.sha256(json.dumps(material).encode()).hexdigest()
        return f"api-list:{digest}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        if self.action != "list":
            return
        self._list_cache_key = self.list_cache_key(request)
        entry = cache.get(self._list_cache_key) if self._list_cache_key else None
        if entry is not None:
            body, content_type = entry

            def cached(request, *args, **kwargs):
                return HttpResponse(body, content_type=content_type)

            # DRF looks the handler up after initial(): the list itself is not run.
            self.get = self.head = cached

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action != "list" or response.status_code != 200:
            return response
        if isinstance(response, Response):
            response.render()
            if self._list_cache_key:
                cache.set(self._list_cache_key, (response.content, response["Content-Type"]), CACHE_SECONDS)
        tag = etag(response.content)
        if tag in _tags(request.headers.get("If-None-Match")):
            not_modified = HttpResponseNotModified()
            for header in ("Vary", "Allow"):
                if header in response:
                    not_modified[header] = response[header]
            response = not_modified
        response["ETag"] = tag
        return response
