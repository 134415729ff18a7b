"""Factories for the value stream: they write rows directly, for arranging tests."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from valuestream.models import Prospect


class ProspectFactory(DjangoModelFactory):
    class Meta:
        model = Prospect
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    company = "Acme Pumps"
    email = factory.Sequence(lambda n: f"prospect{n}@example.net")
    time_zone = "Europe/London"
    address = "1 High Street\nLeeds\nLS1 1AA"
    created_at = factory.LazyFunction(timezone.now)
