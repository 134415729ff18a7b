"""Factories for the value stream's rows, for arranging tests; the behaviour under
test goes through services, selectors or views."""

from datetime import UTC, datetime

import factory
from factory.django import DjangoModelFactory

from standardwork.models import Action, ControlPoint, Cycle, Impediment, Measurement, Standup
from tests.roles.factories import TeamFactory, UserFactory


class StandupFactory(DjangoModelFactory):
    class Meta:
        model = Standup
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    date = factory.LazyFunction(lambda: datetime.now(UTC).date())
    starts_at = factory.LazyAttribute(
        lambda standup: datetime.combine(standup.date, standup.team.standup_time, tzinfo=UTC)
    )


class ImpedimentFactory(DjangoModelFactory):
    class Meta:
        model = Impediment
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Impediment {n}")
    raised_by = factory.SubFactory(UserFactory)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: datetime.now(UTC).date())
    source = Action.Source.STANDUP


class CycleFactory(DjangoModelFactory):
    class Meta:
        model = Cycle
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Cycle {n}")
    kind = Cycle.Kind.PDCA
    phase = Cycle.Phase.DO


class ControlPointFactory(DjangoModelFactory):
    class Meta:
        model = ControlPoint
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Calls per day {n}")
    unit = "calls"


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = Measurement
        skip_postgeneration_save = True

    control_point = factory.SubFactory(ControlPointFactory)
    value = 40
    measured_on = factory.LazyFunction(lambda: datetime.now(UTC).date())
    out_of_limits = False
