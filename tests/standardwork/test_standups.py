"""Stand-ups: opened once a day per team, in the team's own time zone, an hour
before they start; logged by the TC or TL; the agenda is what the data says."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from roles.models import Membership, Team, User
from standardwork import tasks
from standardwork.models import (
    Action,
    Check,
    ControlPoint,
    Impediment,
    Measurement,
    Standup,
    StandupAttendance,
    TemplateItem,
)
from standardwork.selectors import standups as selectors
from standardwork.services import standups as services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.standardwork.conftest import at
from tests.standardwork.factories import CheckFactory, MissReasonFactory, template_with_items

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 11, 18)


def opened() -> list[tuple[str, date]]:
    return list(Standup.objects.order_by("team__name", "date").values_list("team__name", "date"))


def zone_team(name: str, zone: str, standup_time: time, working_days=(1, 2, 3, 4, 5)) -> Team:
    return TeamFactory(
        name=name, time_zone=zone, standup_time=standup_time, working_days=list(working_days)
    )


# --- opening ------------------------------------------------------------------


def test_opens_todays_standup_an_hour_before_it_starts(org):
    assert services.standups_open_due(now=at("2026-11-18 07:59")) == 0
    assert opened() == []

    assert services.standups_open_due(now=at("2026-11-18 08:00")) == 1

    standup = Standup.objects.get()
    assert (standup.team, standup.date, standup.starts_at) == (
        org["team"],
        WEDNESDAY,
        at("2026-11-18 09:00"),
    )


def test_opening_twice_opens_one(org):
    assert services.standups_open_due(now=at("2026-11-18 08:30")) == 1
    assert services.standups_open_due(now=at("2026-11-18 08:35")) == 0
    assert services.standups_open_due(now=at("2026-11-18 16:00")) == 0

    assert opened() == [("North", WEDNESDAY)]


def test_a_tick_later_that_day_still_opens_it(org):
    assert services.standups_open_due(now=at("2026-11-18 17:30")) == 1

    assert opened() == [("North", WEDNESDAY)]


def test_a_new_york_and_a_kolkata_team_at_the_same_instant(db):
    zone_team("New York", "America/New_York", time(9, 0))
    zone_team("Kolkata", "Asia/Kolkata", time(10, 0))

    # 04:00 UTC: 09:30 in Kolkata (stand-up at 10:00), midnight in New York.
    services.standups_open_due(now=at("2026-03-10 04:00"))

    assert opened() == [("Kolkata", date(2026, 3, 10))]


@pytest.mark.parametrize(
    ("day", "opens_utc", "starts_utc"),
    [
        ("2026-03-06", "13:00", "14:00"),  # Friday, EST (UTC-5)
        ("2026-03-09", "12:00", "13:00"),  # Monday after the March change, EDT (UTC-4)
        ("2026-10-30", "12:00", "13:00"),  # Friday, EDT
        ("2026-11-02", "13:00", "14:00"),  # Monday after the November change, EST
    ],
)
def test_the_opening_instant_in_utc_moves_an_hour_across_us_dst_changes(
    db, day, opens_utc, starts_utc
):
    team = zone_team("New York", "America/New_York", time(9, 0))
    hour, minute = map(int, opens_utc.split(":"))
    just_before = f"{day} {hour - 1:02d}:59"

    assert services.standups_open_due(now=at(just_before)) == 0
    assert services.standups_open_due(now=at(f"{day} {opens_utc}")) == 1

    standup = Standup.objects.get(team=team)
    assert (standup.date.isoformat(), standup.starts_at) == (day, at(f"{day} {starts_utc}"))


def test_non_working_days_get_no_standup(org):
    for moment in ("2026-11-21 10:00", "2026-11-22 10:00"):  # Saturday, Sunday
        assert services.standups_open_due(now=at(moment)) == 0

    assert opened() == []


def test_a_day_the_worker_missed_is_not_caught_up(org):
    services.standups_open_due(now=at("2026-11-16 08:30"))  # Monday
    # Down all Tuesday; back on Wednesday.
    services.standups_open_due(now=at("2026-11-18 08:30"))

    assert opened() == [("North", date(2026, 11, 16)), ("North", WEDNESDAY)]


def test_the_marketing_communication_department_holds_its_standup_like_any_team(db):
    department = TeamFactory(
        name="Marketing Communication",
        kind=Team.Kind.MARKETING_COMMUNICATION,
        coordinator=None,
        standup_time=time(9, 30),
        working_days=[1, 2, 3, 4],
    )

    assert services.standups_open_due(now=at("2026-11-18 08:29")) == 0
    assert services.standups_open_due(now=at("2026-11-18 08:30")) == 1
    assert services.standups_open_due(now=at("2026-11-20 12:00")) == 0  # Friday: not a working day

    assert opened() == [("Marketing Communication", WEDNESDAY)]
    assert Standup.objects.get().starts_at == at("2026-11-18 09:30")
    assert services.standup_open_today(team=department, now=at("2026-11-19 07:00")).date == date(
        2026, 11, 19
    )


def test_the_page_opens_today_through_the_same_service_before_the_tick(org):
    standup = services.standup_open_today(team=org["team"], now=at("2026-11-18 06:00"))

    assert (standup.date, standup.starts_at) == (WEDNESDAY, at("2026-11-18 09:00"))
    assert services.standup_open_today(team=org["team"], now=at("2026-11-18 08:30")) == standup
    assert services.standups_open_due(now=at("2026-11-18 08:30")) == 0
    assert Standup.objects.count() == 1


def test_the_page_opens_nothing_on_a_day_off(org):
    assert services.standup_open_today(team=org["team"], now=at("2026-11-21 09:00")) is None
    assert opened() == []


def test_the_beat_task_opens_through_the_service(org):
    # Midnight stand-ups every day: whatever the clock says, today's is due.
    Team.objects.update(standup_time=time(0, 0), working_days=[1, 2, 3, 4, 5, 6, 7])

    assert tasks.open_due_standups.delay().get() == 1
    assert Standup.objects.filter(team=org["team"]).count() == 1


# --- logging ------------------------------------------------------------------


@pytest.fixture
def standup(org):
    return services.standup_open_today(team=org["team"], now=at("2026-11-18 08:30"))


def test_start_sets_the_timer_once(org, standup):
    services.standup_start(
        actor=org["coordinator"], standup_id=standup.pk, now=at("2026-11-18 09:01")
    )
    again = services.standup_start(
        actor=org["leader"], standup_id=standup.pk, now=at("2026-11-18 09:04")
    )

    assert (again.started_at, again.logged_by) == (at("2026-11-18 09:01"), org["coordinator"])


def test_only_todays_standup_is_started(org, standup):
    with pytest.raises(ValidationError, match="Only today's stand-up can be started."):
        services.standup_start(
            actor=org["coordinator"], standup_id=standup.pk, now=at("2026-11-19 09:00")
        )

    assert Standup.objects.get(pk=standup.pk).started_at is None


def test_end_after_start_and_not_before(org, standup):
    with pytest.raises(ValidationError, match="Start the stand-up before you end it."):
        services.standup_end(actor=org["coordinator"], standup_id=standup.pk)

    services.standup_start(
        actor=org["coordinator"], standup_id=standup.pk, now=at("2026-11-18 09:00")
    )
    ended = services.standup_end(
        actor=org["coordinator"], standup_id=standup.pk, now=at("2026-11-18 09:13")
    )

    assert (ended.started_at, ended.ended_at) == (at("2026-11-18 09:00"), at("2026-11-18 09:13"))


def test_attendance_is_set_per_person_and_changed_in_place(org, standup):
    leader, member = org["leader"], org["member"]
    services.standup_attendance_set(
        actor=org["coordinator"], standup_id=standup.pk, present={leader.pk: True}
    )
    services.standup_attendance_set(
        actor=org["coordinator"], standup_id=standup.pk, present={member.pk: False}
    )
    services.standup_attendance_set(
        actor=org["leader"], standup_id=standup.pk, present={member.pk: True}
    )

    assert set(
        StandupAttendance.objects.filter(standup=standup).values_list("person__username", "present")
    ) == {("leader", True), ("member", True)}
    assert Standup.objects.get(pk=standup.pk).logged_by == org["coordinator"]


def test_attendance_is_for_the_teams_leader_and_members(org, standup):
    outsider = UserFactory(username="outsider")

    with pytest.raises(ValidationError) as error:
        services.standup_attendance_set(
            actor=org["coordinator"],
            standup_id=standup.pk,
            present={org["leader"].pk: True, outsider.pk: True},
        )

    assert error.value.message_dict == {
        "present": ["Attendance is for the team's leader and members."]
    }
    assert not StandupAttendance.objects.exists()


@pytest.mark.parametrize("who", ["member", "vsm", "outsider"])
def test_only_the_tc_or_tl_logs_a_standup(org, standup, who):
    actor = org.get(who) or UserFactory(username=who)
    logging = [
        lambda: services.standup_start(actor=actor, standup_id=standup.pk),
        lambda: services.standup_attendance_set(
            actor=actor, standup_id=standup.pk, present={org["member"].pk: True}
        ),
        lambda: services.standup_notes_save(actor=actor, standup_id=standup.pk, notes="Hi"),
    ]

    for log in logging:
        with pytest.raises(PermissionDenied, match=services.NOT_LOGGER):
            log()

    standup.refresh_from_db()
    assert (standup.started_at, standup.notes, standup.logged_by) == (None, "", None)
    assert not StandupAttendance.objects.exists()


def test_notes_are_saved_and_too_long_notes_refused(org, standup):
    services.standup_notes_save(
        actor=org["coordinator"], standup_id=standup.pk, notes="  New price list from Monday \n"
    )

    with pytest.raises(ValidationError) as error:
        services.standup_notes_save(
            actor=org["coordinator"], standup_id=standup.pk, notes="x" * 4001
        )

    assert error.value.message_dict == {"notes": ["Keep the notes under 4000 characters."]}
    assert Standup.objects.get(pk=standup.pk).notes == "New price list from Monday"


# --- the agenda ---------------------------------------------------------------


@pytest.fixture
def agenda_data(org):
    """Wednesday 18 November's stand-up of North, with a Monday stand-up before it."""
    team, leader, member = org["team"], org["leader"], org["member"]
    coordinator = org["coordinator"]
    other_team = TeamFactory(name="South")
    other_member = MembershipFactory(team=other_team, user=UserFactory(username="south")).user
    Standup.objects.create(team=team, date=date(2026, 11, 16), starts_at=at("2026-11-16 09:00"))
    standup = Standup.objects.create(team=team, date=WEDNESDAY, starts_at=at("2026-11-18 09:00"))

    def action(title, owner, due, *, done=False, on_team=team, given_at=None):
        return Action.objects.create(
            team=on_team, title=title, owner=owner, due_date=due, created_by=coordinator,
            done_at=at("2026-11-17 12:00") if done else None, standup=given_at,
        )  # fmt: skip

    action("Call back Acme", member, date(2026, 11, 17))
    action("Send the pricing sheet", leader, WEDNESDAY)
    action("Book the webinar room", member, date(2026, 11, 10))
    action("Already done", member, date(2026, 11, 16), done=True)
    action("Next week's", leader, date(2026, 11, 25))
    action("Another team's", other_member, date(2026, 11, 17), on_team=other_team)
    action("Given today", member, date(2026, 11, 20), given_at=standup)

    def impediment(title, raised, state=Impediment.State.OPEN, on_team=team):
        row = Impediment.objects.create(
            team=on_team, title=title, raised_by=member, state=state,
            removed_how="Fixed" if state == Impediment.State.REMOVED else "",
        )  # fmt: skip
        Impediment.objects.filter(pk=row.pk).update(raised_at=at(raised))

    impediment("CRM export times out", "2026-11-10 15:00")
    impediment("No headset for Ravi", "2026-11-17 23:30", Impediment.State.IN_PROGRESS)
    impediment("Old one", "2026-11-02 10:00", Impediment.State.REMOVED)
    impediment("South's", "2026-11-12 10:00", on_team=other_team)

    calls = ControlPoint.objects.create(team=team, name="Calls per day", unit="calls")
    ControlPoint.objects.create(team=team, name="Connect rate", unit="%")
    retired = ControlPoint.objects.create(team=team, name="Retired", unit="calls", is_active=False)
    south = ControlPoint.objects.create(team=other_team, name="Calls per day", unit="calls")
    for point, day, value, flagged in [
        (calls, date(2026, 11, 15), 2, True),  # before the previous stand-up
        (calls, date(2026, 11, 16), 3, True),
        (calls, date(2026, 11, 17), 61, True),
        (calls, WEDNESDAY, 30, False),  # within limits: not on the agenda
        (retired, date(2026, 11, 17), 1, True),
        (south, date(2026, 11, 17), 1, True),
    ]:
        Measurement.objects.create(
            control_point=point, measured_on=day, value=Decimal(value), out_of_limits=flagged,
            signal="Below the lower limit" if value < 10 else ("Above the upper limit"
                                                               if flagged else ""),
        )  # fmt: skip

    reason = MissReasonFactory(label="No time")
    daily = template_with_items(
        titles=["Head the stand-up", "Check call lists", "Review call outcomes"]
    )
    weekly = template_with_items(
        titles=["Add call scripts"], cadence=TemplateItem.Cadence.WEEKLY, weekday=2
    )[0]
    tuesday = {"checklist__date": date(2026, 11, 17)}

    def check(owner, item, status, **extra):
        return CheckFactory(checklist__owner=owner, item=item, status=status, **extra)

    check(
        leader, daily[0], Check.Status.MISSED, miss_reason=reason, miss_note="Ran over", **tuesday
    )
    check(leader, daily[1], Check.Status.DONE, **tuesday)
    check(leader, daily[2], Check.Status.OPEN, **tuesday)
    check(leader, weekly, Check.Status.OPEN, **tuesday)  # still this week's: not missed
    check(member, daily[1], Check.Status.MISSED, miss_reason=reason, miss_note="Sick", **tuesday)
    check(coordinator, daily[1], Check.Status.MISSED, **tuesday)  # the TC is not on the list
    check(other_member, daily[1], Check.Status.MISSED, **tuesday)
    check(leader, daily[1], Check.Status.MISSED, checklist__date=date(2026, 11, 16))
    return standup


def test_agenda_lists_open_actions_due_by_today_with_overdue_ones_marked(org, agenda_data):
    page = selectors.standup_page(
        viewer=org["coordinator"], standup_id=agenda_data.pk, now=at("2026-11-18 08:55")
    )

    assert [(a.title, a.owner.username, a.overdue) for a in page.actions_due] == [
        ("Book the webinar room", "member", True),
        ("Call back Acme", "member", True),
        ("Send the pricing sheet", "leader", False),
    ]
    assert [a.title for a in page.actions_new] == ["Given today"]


def test_agenda_lists_the_teams_open_impediments_with_their_age(org, agenda_data):
    page = selectors.standup_page(
        viewer=org["coordinator"], standup_id=agenda_data.pk, now=at("2026-11-18 08:55")
    )

    assert [(i.title, i.state, i.age_days) for i in page.impediments] == [
        ("CRM export times out", "open", 8),
        ("No headset for Ravi", "in_progress", 1),
    ]


def test_agenda_shows_the_oldest_actions_and_impediments_and_counts_the_rest(org, agenda_data):
    team, member = org["team"], org["member"]
    for n in range(selectors.AGENDA_SHOWN):
        Action.objects.create(team=team, title=f"Old {n}", owner=member, due_date=date(2026, 10, 1))
        Impediment.objects.create(team=team, title=f"Old {n}")
    Impediment.objects.filter(title__startswith="Old ").update(raised_at=at("2026-10-01 09:00"))
    raised_today = Impediment.objects.create(team=team, title="Raised today", standup=agenda_data)
    Impediment.objects.filter(pk=raised_today.pk).update(raised_at=at("2026-11-18 09:05"))

    page = selectors.standup_page(
        viewer=org["coordinator"], standup_id=agenda_data.pk, now=at("2026-11-18 09:10")
    )
    everything = selectors.standup_page(
        viewer=org["coordinator"], standup_id=agenda_data.pk, now=at("2026-11-18 09:10"),
        show_all=True,
    )  # fmt: skip

    assert [a.title for a in page.actions_due] == [
        f"Old {n}" for n in range(selectors.AGENDA_SHOWN)
    ]
    assert page.actions_due_hidden == 3
    assert [a.title for a in page.actions_new] == ["Given today"]
    assert [i.title for i in page.impediments] == [
        *(f"Old {n}" for n in range(selectors.AGENDA_SHOWN)),
        raised_today.title,
    ]
    assert page.impediments_hidden == 2
    assert (len(everything.actions_due), everything.actions_due_hidden) == (
        selectors.AGENDA_SHOWN + 3,
        0,
    )
    assert (len(everything.impediments), everything.impediments_hidden) == (
        selectors.AGENDA_SHOWN + 3,
        0,
    )


def test_agenda_lists_measurements_out_of_limits_since_the_previous_standup(org, agenda_data):
    page = selectors.standup_page(viewer=org["coordinator"], standup_id=agenda_data.pk)

    assert page.signals_since == date(2026, 11, 16)
    assert [
        (row.control_point.name, [(m.measured_on, m.value, m.signal) for m in row.measurements])
        for row in page.out_of_limits
    ] == [
        (
            "Calls per day",
            [
                (date(2026, 11, 16), Decimal("3.000"), "Below the lower limit"),
                (date(2026, 11, 17), Decimal("61.000"), "Above the upper limit"),
            ],
        )
    ]


def test_without_an_earlier_standup_signals_of_the_last_seven_days_show(org, agenda_data):
    Standup.objects.filter(date=date(2026, 11, 16)).delete()

    page = selectors.standup_page(viewer=org["coordinator"], standup_id=agenda_data.pk)

    assert page.signals_since == date(2026, 11, 11)
    assert [m.measured_on for row in page.out_of_limits for m in row.measurements] == [
        date(2026, 11, 15), date(2026, 11, 16), date(2026, 11, 17),
    ]  # fmt: skip


def test_agenda_lists_yesterdays_misses_of_the_leader_and_members(org, agenda_data):
    page = selectors.standup_page(viewer=org["coordinator"], standup_id=agenda_data.pk)

    assert page.previous_day == date(2026, 11, 17)
    assert [
        (c.checklist.owner.username, c.item.title, c.status, c.reason_label, c.miss_note)
        for c in page.misses
    ] == [
        ("leader", "Head the stand-up", "missed", "No time", "Ran over"),
        ("leader", "Review call outcomes", "open", "", ""),
        ("member", "Check call lists", "missed", "No time", "Sick"),
    ]


def test_on_monday_the_misses_are_fridays(org):
    monday = Standup.objects.create(
        team=org["team"], date=date(2026, 11, 23), starts_at=at("2026-11-23 09:00")
    )
    item = template_with_items(titles=["Check call lists"])[0]
    CheckFactory(
        checklist__owner=org["member"], checklist__date=date(2026, 11, 20), item=item,
        status=Check.Status.MISSED,
    )  # fmt: skip

    page = selectors.standup_page(viewer=org["coordinator"], standup_id=monday.pk)

    assert page.previous_day == date(2026, 11, 20)
    assert [c.item.title for c in page.misses] == ["Check call lists"]


def test_agenda_shows_who_heads_it_and_who_was_there(org, agenda_data):
    services.standup_attendance_set(
        actor=org["coordinator"],
        standup_id=agenda_data.pk,
        present={org["leader"].pk: True, org["member"].pk: False},
    )
    User.objects.filter(username="member").update(first_name="Chloe")
    MembershipFactory(team=org["team"], user=UserFactory(username="zed", first_name="Zed"))

    page = selectors.standup_page(viewer=org["member"], standup_id=agenda_data.pk)

    assert page.leader == org["leader"]
    assert [(p.username, p.present) for p in page.people] == [
        ("leader", True), ("member", False), ("zed", None),
    ]  # fmt: skip
    assert page.present_count == 1
    assert (page.can_log, page.can_raise) == (False, True)


def test_a_member_of_another_team_sees_no_standup(org, agenda_data):
    outsider = MembershipFactory(
        team=TeamFactory(name="Elsewhere"), user=UserFactory(username="elsewhere"),
        role=Membership.Role.LEADER,
    ).user  # fmt: skip

    assert selectors.standup_page(viewer=outsider, standup_id=agenda_data.pk) is None
