"""The site's own authentication: a session token, never a class a client can name itself."""

SESSIONS = {"tok-local": "local", "tok-federal": "federal", "tok-ice": "federal_immigration", "tok-public": "public"}


class SessionTokenAuth:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        request.requester_class = SESSIONS.get(token)
        return self.get_response(request)


def requester(request):
    return request.requester_class
