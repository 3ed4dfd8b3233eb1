from . import context


class AuditContextMiddleware:
    """Makes the client address, user agent and signed-in user available to audit_record() for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with context.bound(context.context_for(request)):
            return self.get_response(request)
