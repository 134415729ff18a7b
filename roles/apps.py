from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _organisation_changed(sender, **kwargs) -> None:
    # Only forgets cached places (roles.cache): no rule of the organisation lives here,
    # and every write path (services, admin, seeds, factories) is covered at once.
    from roles import cache

    cache.organisation_changed()


def _person_changed(sender, update_fields=None, **kwargs) -> None:
    # A name, e-mail or flag shows on pages kept with the organisation (the dashboard's
    # scope); a login only stamps last_login, which nothing kept shows.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _organisation_changed(sender, **kwargs)


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
        # renamed shows under the new name on the pages kept with the organisation.
        post_delete.connect(_organisation_changed, sender=User, dispatch_uid="place-user")
        post_save.connect(_person_changed, sender=User, dispatch_uid="place-user-saved")
