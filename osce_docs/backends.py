"""Login throttling for every login that comes from the web."""

from axes.backends import AxesStandaloneBackend


class WebLoginThrottlingBackend(AxesStandaloneBackend):
    """django-axes for logins that carry a request (the admin's login form and
    any other web login). A login without a request comes from the code itself
    (a management command, a test client's ``login()``): there is no visitor
    and no address to lock, so it goes straight to the password check."""

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
