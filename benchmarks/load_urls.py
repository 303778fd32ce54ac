"""The project's URLs plus /bare/: the smallest Django view, the baseline of benchmarks/load.py."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """Through the whole middleware stack, with no query and no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bare/", bare), path("", include("config.urls"))]
