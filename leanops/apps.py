from django.apps import AppConfig


class LeanopsConfig(AppConfig):
    name = "leanops"
    verbose_name = "Operations"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from leanops.middleware import session_refreshed_at_login

        # Session plumbing, not business logic: the idle-expiry middleware's clock.
        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="leanops.session_refresh")
