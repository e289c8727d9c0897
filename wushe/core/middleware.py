"""Input no form can hold: a NUL character in a query string or form field.

PostgreSQL refuses NUL in text and would answer a search for ``a%00b`` with a server
error; no real input contains one, so such a request is refused up front.
"""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class ChineseFirstMiddleware:
    """The UI is 简体中文 unless the user picks another language with the switcher.

    Django would otherwise follow the browser's Accept-Language, and a station PC with
    an English browser would show English to staff who never asked for it. The choice
    made in the switcher (a cookie) still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [request.GET] + ([request.POST] if request.method == "POST" else [])
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return HttpResponseBadRequest(_("请求中含有无效字符。"),
                                                  content_type="text/plain; charset=utf-8")
        return self.get_response(request)
