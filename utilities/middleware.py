from django.http import JsonResponse


class RefuseNulInQueryMiddleware:
    """A query parameter with a NUL character is a 400 naming the parameter, on every page
    and endpoint: PostgreSQL refuses NUL in text, so a search, filter or autocomplete that
    passed one on would fail with a 500. (Form and serializer fields refuse NUL in bodies.)"""

    message = "Null characters are not allowed."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = sorted({name for name, values in request.GET.lists() if "\x00" in name + "".join(values)})
        if bad:
            return JsonResponse({name: [self.message] for name in bad}, status=400)
        return self.get_response(request)
