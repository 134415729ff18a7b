from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _organisation_changed(sender, **kwargs) -> None:
    # Only forgets cached places (roles.cache): no rule of the organisation lives here,
    # and every write path (services, admin, seeds, factories) is covered at once.
    from roles import cache

    cache.organisation_changed()


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from roles.models import Membership, Team, User, ValueStream

        for model in (Team, Membership, ValueStream):
            post_save.connect(_organisation_changed, sender=model, dispatch_uid=f"place-{model}")
            post_delete.connect(_organisation_changed, sender=model, dispatch_uid=f"del-{model}")
        m2m_changed.connect(
            _organisation_changed, sender=Team.value_streams.through, dispatch_uid="place-streams"
        )
        # A person deleted takes their memberships with them (signalled above); one
        # whose superuser flag changes sees other menus, but layers do not depend on it.
        post_delete.connect(_organisation_changed, sender=User, dispatch_uid="place-user")
