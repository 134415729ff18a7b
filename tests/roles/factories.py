"""Factories for the organisation. They write rows directly, for arranging
tests; the behaviour under test still goes through services, forms or views."""

from datetime import time
from functools import cache

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from roles.models import Membership, Team, User, ValueStream

PASSWORD = "test-password-123"


@cache
def _password_hash() -> str:
    # One slow hash per test run rather than one per user.
    return make_password(PASSWORD)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.LazyFunction(_password_hash)


class ValueStreamFactory(DjangoModelFactory):
    class Meta:
        model = ValueStream
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Value stream {n}")
    market = "Water utilities"
    vsm = factory.SubFactory(UserFactory)
    time_zone = "Europe/London"
    weekly_review_time = time(14, 0)


class TeamFactory(DjangoModelFactory):
    """A sales and marketing team; pass value_streams=[...] to link it."""

    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.SALES_MARKETING
    coordinator = factory.SubFactory(UserFactory)
    stages = factory.LazyFunction(lambda: ["identification", "value"])
    time_zone = "Europe/London"
    standup_time = time(9, 0)
    working_days = factory.LazyFunction(lambda: [1, 2, 3, 4, 5])

    @factory.post_generation
    def value_streams(self, create, extracted, **kwargs):
        if create and extracted:
            self.value_streams.set(extracted)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER
    function = Membership.Function.SALES
