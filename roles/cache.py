"""A person's place in the organisation, kept between requests until the organisation changes.

Every page needs the signed-in person's layers (the menu) and most need their
place (roles.selectors.person_places: their teams, time zone and working days),
yet both change only when a team, a membership or a value stream does. They are
cached under the organisation's *version*, which every such change replaces:
after a change, readers find nothing under the new version and read the
database again. `roles.apps` connects the change to the models' signals, so the
services, the admin, the seeds and the tests' factories all count; bulk writes
that send no signal (seed_scale) call `organisation_changed()` themselves.

A few settings of the whole organisation (the layers' targets) are kept under the
same version (`organisation_wide`); the service and the admin that change them
call `organisation_changed()` themselves.

The cache is only a shortcut: when it cannot be reached (Redis down), pages read
the database as if nothing were cached.
"""

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "roles:organisation-version"
# A safety net for a process that does not share the cache with the one that
# changed the organisation (a Celery worker on the embedded default's locmem).
TIMEOUT_SECONDS = 600
# What is cached for a person without a place, so they are not read every time.
_NOTHING = "nothing"

T = TypeVar("T")


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid4().hex, None)
    except Exception:  # noqa: BLE001 - the cache is a shortcut; the database stays right
        logger.warning("The cache is unreachable: the organisation's version was not replaced")


def organisation_changed() -> None:
    """A team, membership or value stream changed: forget every cached place.

    Now, so the rest of this transaction reads its own change, and again at the
    commit, so that a reader who took the new version before the commit (and so
    read the rows as they were) does not keep what it read.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _version() -> str | None:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A new random version, never one used before, even when the key was evicted.
        cache.add(VERSION_KEY, uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def per_person(
    kind: str, person_ids: Iterable[int], read: Callable[[list[int]], dict[int, T]]
) -> dict[int, T]:
    """`read(ids)` for the people not cached under the current version; the rest from the cache.

    `read` answers {person id: value} and leaves out people without one.
    """
    wanted = list(dict.fromkeys(person_ids))
    try:
        version = _version()
        keys = {person_id: f"roles:{version}:{kind}:{person_id}" for person_id in wanted}
        found = cache.get_many(keys.values()) if version else {}
    except Exception:  # noqa: BLE001 - the cache is a shortcut; read the database
        logger.warning("The cache is unreachable: reading %s from the database", kind)
        return read(wanted)
    result: dict[int, T] = {}
    missing = []
    for person_id, key in keys.items():
        if key not in found:
            missing.append(person_id)
        elif found[key] != _NOTHING:
            result[person_id] = found[key]
    if missing:
        fresh = read(missing)
        result.update(fresh)
        if version:
            try:
                cache.set_many(
                    {keys[person_id]: fresh.get(person_id, _NOTHING) for person_id in missing},
                    TIMEOUT_SECONDS,
                )
            except Exception:  # noqa: BLE001 - the next request reads the database again
                logger.warning("The cache is unreachable: %s not kept", kind)
    return result


def organisation_wide(kind: str, read: Callable[[], T]) -> T:
    """`read()` kept under the organisation's current version: a setting of the whole
    organisation that changes rarely (the layers' targets), whose writers call
    `organisation_changed()`."""
    try:
        version = _version()
        key = f"roles:{version}:{kind}"
        found = cache.get(key) if version else None
    except Exception:  # noqa: BLE001 - the cache is a shortcut; read the database
        logger.warning("The cache is unreachable: reading %s from the database", kind)
        return read()
    if found is not None:
        return found
    value = read()
    if version:
        try:
            cache.set(key, value, TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001 - the next request reads the database again
            logger.warning("The cache is unreachable: %s not kept", kind)
    return value
