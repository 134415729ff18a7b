"""The verification board as a kamishibai week grid: people by working days, each
cell red, green or open with its count, reds carried until their countermeasure,
the team filter, changes after confirmation, the drill-down, and query counts
that do not grow with teams or history.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from roles.models import Membership, Team
from standardwork.models import Check, CheckEvent, Checklist, MissReason
from standardwork.selectors import verification as verification_selectors
from standardwork.services import checklists as checklist_services
from standardwork.services import verification as verification_services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.standardwork import checklist_org
from tests.standardwork.checklist_org import HTMX, queries_of, todays_checks, url
from tests.standardwork.factories import CheckFactory, ChecklistFactory, template_with_items

pytestmark = pytest.mark.django_db

checklist_org = checklist_org.checklist_org

MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5]


def last_monday():
    """The Monday of the week before this one: every day of it is in the past."""
    today = timezone.now().date()
    return today - timedelta(days=today.isoweekday() - 1 + 7)


def grid(client, **params):
    response = client.get(url("verify_board"), params)
    assert response.status_code == 200
    return response


def cells_of(response, person) -> list[tuple[str, str]]:
    """(state, "done/total" with marks) of each cell of a person's row."""
    week = response.context["week"]
    (row,) = [row for group in week.groups for row in group.rows if row.person == person]
    return [
        (
            cell.state,
            f"{cell.done}/{cell.total}" + (f"+{cell.carried}" if cell.carried else "")
            if cell.total
            else "",
        )
        for cell in row.cells
    ]


def people_of(response) -> list[str]:
    return [row.person.username for group in response.context["week"].groups for row in group.rows]


def day_of(person, day, items, statuses, **checklist_fields):
    checklist = ChecklistFactory(owner=person, date=day, **checklist_fields)
    checks = []
    for position, (item, status) in enumerate(zip(items, statuses, strict=True)):
        missed = status == Check.Status.MISSED
        checks.append(
            CheckFactory(
                checklist=checklist,
                item=item,
                position=position,
                status=status,
                miss_reason=MissReason.objects.get(label="Forgot") if missed else None,
                miss_note="Back-to-back meetings" if missed else "",
            )
        )
    return checks


# --- colours and counts -----------------------------------------------------------


def test_grid_shows_each_day_green_red_or_open_with_its_count_and_carries_a_red(client, org):
    Team.objects.update(working_days=MONDAY_TO_FRIDAY)
    monday = last_monday()
    done, missed, opened = Check.Status.DONE, Check.Status.MISSED, Check.Status.OPEN
    items = org.tl_items[:2]
    day_of(org.leader, monday, items, [done, done])
    tuesday = day_of(org.leader, monday + timedelta(days=1), items, [done, missed])
    day_of(org.leader, monday + timedelta(days=2), items, [done, done])
    day_of(org.leader, monday + timedelta(days=3), items, [done, opened])
    client.force_login(org.coordinator)

    response = grid(client, week=monday.isoformat())

    assert response.context["week"].days == [monday + timedelta(days=n) for n in range(5)]
    assert cells_of(response, org.leader) == [
        ("green", "2/2"),
        ("red", "1/2"),
        ("red", "2/2+1"),  # Tuesday's miss is still red on Wednesday
        ("red", "1/2+1"),
        ("none", ""),
    ]
    content = response.content.decode()
    assert f'<td class="vg-green"><a href="?date={monday}&amp;person={org.leader.pk}"' in content
    assert ">2/2<i>+1</i></a></td>" in content

    verification_services.check_request_countermeasure(
        actor=org.coordinator, check_id=tuesday[1].pk, comment="Why?"
    )
    Check.objects.filter(pk=tuesday[1].pk).update(
        verification=Check.Verification.COUNTERMEASURE_RECORDED, countermeasure="Block the hour"
    )

    assert cells_of(grid(client, week=monday.isoformat()), org.leader) == [
        ("green", "2/2"),
        ("green", "1/2"),  # done or countermeasure recorded: green
        ("green", "2/2"),
        ("open", "1/2"),
        ("none", ""),
    ]


def test_a_red_from_an_earlier_week_reddens_the_week_until_its_countermeasure(client, org):
    Team.objects.update(working_days=MONDAY_TO_FRIDAY)
    monday = last_monday()
    (old,) = day_of(org.leader, monday - timedelta(days=25), org.tl_items[:1], ["missed"])
    day_of(org.leader, monday, org.tl_items[:1], [Check.Status.DONE])
    client.force_login(org.coordinator)

    before = cells_of(grid(client, week=monday.isoformat()), org.leader)[0]
    Check.objects.filter(pk=old.pk).update(
        verification=Check.Verification.COUNTERMEASURE_RECORDED, countermeasure="Calendar block"
    )
    after = cells_of(grid(client, week=monday.isoformat()), org.leader)[0]

    assert (before, after) == (("red", "1/1+1"), ("green", "1/1"))


def test_a_red_from_ten_weeks_ago_is_carried_until_its_countermeasure_is_recorded(client, org):
    Team.objects.update(working_days=MONDAY_TO_FRIDAY)
    monday = last_monday()
    ten_weeks_back = monday - timedelta(weeks=10)
    (old,) = day_of(org.leader, ten_weeks_back, org.tl_items[:1], ["missed"])
    day_of(org.leader, monday - timedelta(days=3), org.tl_items[1:2], ["done"])
    day_of(org.leader, monday, org.tl_items[:1], [Check.Status.DONE])
    client.force_login(org.coordinator)

    week = cells_of(grid(client, week=monday.isoformat()), org.leader)[0]
    then = cells_of(grid(client, week=ten_weeks_back.isoformat()), org.leader)[0]
    drill = client.get(url("verify_board"), {"date": monday, "person": org.leader.pk})
    verification_services.check_request_countermeasure(
        actor=org.coordinator, check_id=old.pk, comment="What stops the miss?"
    )
    asked = cells_of(grid(client, week=monday.isoformat()), org.leader)[0]
    verification_services.check_record_countermeasure(
        actor=org.leader, check_id=old.pk, countermeasure="Call block moved to 8:30"
    )
    recorded = grid(client, week=monday.isoformat())

    assert week == ("red", "1/1+1")
    assert then == ("red", "0/1")  # red on its own day
    assert [c.checklist.date for c in drill.context["rows"][0].carried] == [ten_weeks_back]
    content = drill.content.decode()
    assert "Still red from earlier days, until a countermeasure is recorded: 1" in content
    assert f"the oldest from {ten_weeks_back:%a} {ten_weeks_back.day} {ten_weeks_back:%b %Y}" in (
        content
    )
    assert asked == ("red", "1/1+1")  # asked for, not yet recorded: still red
    assert cells_of(recorded, org.leader)[0] == ("green", "1/1")


def test_a_carried_cell_names_how_many_reds_and_the_oldest_day(client, org):
    Team.objects.update(working_days=MONDAY_TO_FRIDAY)
    monday = last_monday()
    oldest = monday - timedelta(weeks=30)
    day_of(org.leader, oldest, org.tl_items[:1], ["missed"])
    day_of(org.leader, monday - timedelta(weeks=2), org.tl_items[:2], ["missed", "missed"])
    day_of(org.leader, monday, org.tl_items[:1], [Check.Status.MISSED])
    day_of(org.leader, monday + timedelta(days=1), org.tl_items[:1], [Check.Status.DONE])
    client.force_login(org.coordinator)

    week = grid(client, week=monday.isoformat()).context["week"]
    (row,) = [r for g in week.groups for r in g.rows if r.person == org.leader]
    monday_cell, tuesday_cell = row.cells[:2]

    assert (monday_cell.carried, monday_cell.carried_since) == (3, oldest)
    assert (tuesday_cell.carried, tuesday_cell.carried_since) == (4, oldest)
    # The oldest day names its year when it is not the cell's (a March run reaches August).
    year = f" {oldest.year}" if oldest.year != tuesday_cell.day.year else ""
    assert tuesday_cell.label == (
        f"{tuesday_cell.day:%a} {tuesday_cell.day.day} {tuesday_cell.day:%b}: 1 of 1 done, "
        f"4 red since {oldest:%a} {oldest.day} {oldest:%b}{year}"
    )


def test_leave_and_future_days_show_no_count(client, org):
    Team.objects.update(working_days=MONDAY_TO_FRIDAY)
    monday = last_monday()
    org.leader.absences.create(start_date=monday, end_date=monday + timedelta(days=1))
    client.force_login(org.coordinator)

    past = grid(client, week=monday.isoformat())
    future = grid(client, week=(monday + timedelta(days=14)).isoformat())

    (row,) = [r for g in past.context["week"].groups for r in g.rows if r.person == org.leader]
    assert [(c.state, c.absent, c.summary) for c in row.cells[:3]] == [
        ("none", True, "On leave"),
        ("none", True, "On leave"),
        ("none", False, "No checklist"),
    ]
    assert '<span title="On leave">leave</span>' in past.content.decode()
    (later,) = [r for g in future.context["week"].groups for r in g.rows if r.person == org.leader]
    assert {c.summary for c in later.cells} == {"Not yet"}


def test_columns_are_the_teams_working_days(client, org):
    Team.objects.update(working_days=[1, 2, 3, 4])
    Team.objects.filter(pk=org.team.pk).update(working_days=[2, 3, 4, 5])
    monday = last_monday()
    client.force_login(org.vsm)

    response = grid(client, week=monday.isoformat())

    assert [day.isoweekday() for day in response.context["week"].days] == [1, 2, 3, 4, 5]


# --- who is on the board, and the team filter ---------------------------------


def test_rows_are_grouped_by_team_and_only_the_layer_below_appears(client, org):
    client.force_login(org.vsm)

    response = grid(client)

    groups = response.context["week"].groups
    assert [(g.name, [r.person.username for r in g.rows]) for g in groups] == [
        ("Pumps Prospecting", ["tc1", "leader1"]),
        ("Pumps Retention", ["tc2", "leader2"]),
    ]
    content = response.content.decode()
    assert "leader3" not in content and "member1" not in content


def test_team_filter_shows_one_team(client, org):
    other_team = Team.objects.get(name="Pumps Retention")
    client.force_login(org.vsm)

    response = grid(client, team=str(other_team.pk))

    assert people_of(response) == ["tc2", "leader2"]
    assert response.context["week"].team_id == other_team.pk
    assert f'<option value="{other_team.pk}" selected>Pumps Retention</option>' in (
        response.content.decode()
    )


def test_another_value_streams_team_in_the_filter_is_refused_and_never_shown(client, org):
    far_team = Team.objects.get(name="Controls Demand Generation")
    client.force_login(org.vsm)

    response = grid(client, team=str(far_team.pk))

    assert people_of(response) == ["tc1", "leader1", "tc2", "leader2"]
    message = f"There is no team “{far_team.pk}” on your board. Showing every team."
    assert response.context["problems"] == message
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        (
            {"week": "2026-W60"},
            "“2026-W60” is not a week like {today} or {iso}. Showing this week.",
        ),
        (
            {"week": "tomorrow"},
            "“tomorrow” is not a date like {today}. Showing this week.",
        ),
        (
            {"week": "0001-01-01"},
            "0001-01-01 is out of range: choose a day from {earliest} to {latest}. "
            "Showing this week.",
        ),
        ({"week": "2026\x00-11-16"}, "Null characters are not allowed. Showing this week."),
        ({"team": "abc"}, "There is no team “abc” on your board. Showing every team."),
        ({"team": "²"}, "There is no team “²” on your board. Showing every team."),
        ({"team": "99999999999999999999"}, None),
        ({"team": "1\x00"}, "Null characters are not allowed. Showing every team."),
    ],
)
def test_bad_week_or_team_is_answered_with_a_message_not_a_500(client, org, params, problem):
    from leanops.base.http import DATE_PARAM_REACH

    client.force_login(org.coordinator)
    today = verification_selectors.board_scope(verifier=org.coordinator).today

    response = grid(client, **params)

    assert response.context["week"].monday == today - timedelta(days=today.isoweekday() - 1)
    assert people_of(response) == ["leader1", "member1"]
    if problem is None:
        problem = f"There is no team “{params['team']}” on your board. Showing every team."
    problem = problem.format(
        today=today.isoformat(),
        iso=f"{today:%G-W%V}",
        earliest=today - DATE_PARAM_REACH,
        latest=today + DATE_PARAM_REACH,
    )
    assert response.context["problems"] == problem


def test_week_steps_back_and_forward_keeping_the_team(client, org):
    client.force_login(org.vsm)
    monday = last_monday()

    response = grid(client, week="2026-W47", team=str(org.team.pk))

    content = response.content.decode()
    assert response.context["week"].monday.isoformat() == "2026-11-16"
    assert f'href="?week=2026-11-09&amp;team={org.team.pk}" rel="prev"' in content
    assert f'href="?week=2026-11-23&amp;team={org.team.pk}" rel="next"' in content
    assert (
        grid(client, week=(monday + timedelta(days=3)).isoformat()).context["week"].monday == monday
    )


# --- the drill-down -------------------------------------------------------------


def test_a_cell_opens_that_persons_day_in_place(client, org):
    checks = todays_checks(org.leader)
    client.force_login(org.coordinator)
    today = checks[0].checklist.date

    panel = client.get(url("verify_board"), {"date": today, "person": org.leader.pk}, **HTMX)
    page = client.get(url("verify_board"), {"date": today, "person": org.leader.pk})

    content = panel.content.decode()
    assert panel.status_code == 200
    assert content.lstrip().startswith('<p class="vg-day-head">')
    assert f'<section class="card sw-person" id="person-{org.leader.pk}"' in content
    assert '<input type="hidden" name="in_grid" value="1">' in content
    assert "<html" not in content
    assert page.status_code == 200
    assert [row.person for row in page.context["rows"]] == [org.leader]
    assert "<html" in page.content.decode()


@pytest.mark.parametrize("person", ["far_leader", "other_leader", "vsm"])
def test_a_person_outside_the_layer_below_is_not_found(client, org, person):
    client.force_login(org.coordinator)
    today = timezone.now().date()

    response = client.get(url("verify_board"), {"date": today, "person": getattr(org, person).pk})
    bad = client.get(url("verify_board"), {"date": today, "person": "x²"})

    assert (response.status_code, bad.status_code) == (404, 404)
    assert "That person is not on your verification board." in response.content.decode()


def test_confirming_from_the_panel_refreshes_the_grid_row(client, org):
    checklist = todays_checks(org.leader)[0].checklist
    client.force_login(org.coordinator)

    response = client.post(url("checklist_confirm", checklist.pk), {"in_grid": "1"}, **HTMX)

    content = response.content.decode()
    assert content.lstrip().startswith(
        f'<section class="card sw-person" id="person-{org.leader.pk}"'
    )
    assert f'<template>\n<tr id="vg-{org.leader.pk}" data-person="leader1" hx-swap-oob="true">' in (
        content
    )
    assert "0/4<b>✓</b>" in content


def test_the_day_shows_the_last_three_events_and_links_to_every_one(client, org):
    check = todays_checks(org.leader)[0]
    for _ in range(4):
        checklist_services.check_tick(actor=org.leader, check_id=check.pk)
        checklist_services.check_undo(actor=org.leader, check_id=check.pk)
    client.force_login(org.coordinator)

    day = client.get(url("verify_board"), {"date": check.checklist.date}).content.decode()
    history = client.get(url("check_history", check.pk))

    item = day.split(f'id="board-check-{check.pk}"')[1].split("</li>\n      \n")[0]
    assert "History (8)" in item
    assert item.count('<li data-kind="') == 3
    assert f'<a href="{url("check_history", check.pk)}">All 8 events</a>' in item
    assert history.status_code == 200
    assert [e.kind for e in history.context["history"].events] == ["tick", "undo"] * 4
    assert history.content.decode().count('<li data-kind="') == 8


@pytest.mark.parametrize(("who", "status"), [("member", 404), ("far_vsm", 404), ("vsm", 200)])
def test_the_full_history_is_for_the_owner_and_the_layers_above(client, org, who, status):
    check = todays_checks(org.leader)[0]
    client.force_login(getattr(org, who))

    assert client.get(url("check_history", check.pk)).status_code == status


# --- changes after confirmation (#11) -------------------------------------------


def test_a_change_after_confirmation_is_marked_until_confirmed_again(client, org, fixed_clock):
    checks = todays_checks(org.leader)
    checklist = checks[0].checklist
    verification_services.checklist_confirm(actor=org.coordinator, checklist_id=checklist.pk)
    client.force_login(org.coordinator)
    assert not any(cell.changed for cell in grid(client).context["week"].groups[0].rows[0].cells)

    fixed_clock.shift(timedelta(seconds=30))
    checklist_services.check_tick(actor=org.leader, check_id=checks[1].pk)

    board = grid(client)
    (row,) = [r for r in board.context["week"].groups[0].rows if r.person == org.leader]
    (cell,) = [c for c in row.cells if c.day == checklist.date]
    assert (cell.confirmed, cell.changed) == (True, True)
    assert cell.summary == "1 of 4 done, changed after confirmation"
    assert '1/4<b class="vg-chg">Δ</b>' in board.content.decode()
    day = client.get(url("verify_board"), {"date": checklist.date}).content.decode()
    changed = day.split(f'id="board-check-{checks[1].pk}"')[1].split("</li>\n      \n")[0]
    assert 'data-changed="true"' in changed
    assert '<p class="sw-changed">Changed after confirmation</p>' in changed
    assert "1 changed after confirmation" in day
    assert day.count('data-changed="true"') == 1
    assert "Confirm the changes" in day

    fixed_clock.shift(timedelta(seconds=30))
    client.post(url("checklist_confirm", checklist.pk))

    assert CheckEvent.objects.filter(check_item=checks[1], kind="confirm").count() == 2
    day = client.get(url("verify_board"), {"date": checklist.date}).content.decode()
    assert 'data-changed="true"' not in day


def test_a_miss_later_done_shows_as_done_after_a_miss_with_its_reason(client, org, fixed_clock):
    check = todays_checks(org.leader)[0]
    checklist_services.check_mark_missed(
        actor=org.leader,
        check_id=check.pk,
        reason=MissReason.objects.get(label="Forgot"),
        note="Back-to-back meetings",
    )
    checklist_services.check_undo(actor=org.leader, check_id=check.pk)
    checklist_services.check_tick(actor=org.leader, check_id=check.pk)
    client.force_login(org.coordinator)

    day = client.get(url("verify_board"), {"date": check.checklist.date}).content.decode()

    assert "Done after a miss: Forgot: Back-to-back meetings" in day
    (annotated,) = verification_selectors.with_miss_history(Check.objects.filter(pk=check.pk))
    assert (annotated.status, annotated.last_miss) == ("done", "Forgot: Back-to-back meetings")
    labels = list(MissReason.objects.values_list("label", flat=True))
    assert verification_selectors.miss_reason_label(annotated.last_miss, labels) == "Forgot"


def test_miss_reason_label_keeps_a_listed_label_whole_and_cuts_a_typed_one():
    assert verification_selectors.miss_reason_label(
        "Customer: urgent: call ran over", ["Customer: urgent"]
    ) == ("Customer: urgent")
    assert verification_selectors.miss_reason_label("Fire drill: Evacuated", []) == "Fire drill"


# --- query counts and size --------------------------------------------------------

# Measured (SQLite): session, user, the board's teams, the people with their
# memberships and coordinated teams (one), the week's checks, the reds before the
# week (however old), the week's leave, the menu's layers of the viewer, and the
# header's count of unread notices (leanops.navigation.header_badges, one on every
# full page).
GRID_QUERIES = 9


def coordinator_with_teams(teams: int, people: int = 8):
    """A coordinator of `teams` teams of a leader and `people - 1` members, Monday to Friday."""
    coordinator = UserFactory(username=f"coordinator{teams}")
    everyone = []
    for n in range(teams):
        team = TeamFactory(
            name=f"Team {teams}-{n}", coordinator=coordinator, time_zone="UTC",
            working_days=MONDAY_TO_FRIDAY,
        )  # fmt: skip
        for p in range(people):
            role = Membership.Role.LEADER if p == 0 else Membership.Role.MEMBER
            everyone.append(MembershipFactory(team=team, role=role).user)
    return coordinator, everyone


def year_of_history(people, items, *, from_today=True):
    today = timezone.now().date()
    days = [today - timedelta(days=back) for back in range(0 if from_today else 1, 366)]
    checklists = Checklist.objects.bulk_create(
        Checklist(owner=person, date=day, time_zone="UTC")
        for day in days
        if day.isoweekday() <= 5
        for person in people
    )
    reason = MissReason.objects.order_by("pk").first()
    Check.objects.bulk_create(
        Check(
            checklist=checklist,
            item=item,
            position=position,
            status="missed" if (n + position) % 9 == 0 else "done",
            miss_reason=reason if (n + position) % 9 == 0 else None,
            miss_note="Ran over" if (n + position) % 9 == 0 else "",
        )
        for n, checklist in enumerate(checklists)
        for position, item in enumerate(items)
    )


def test_grid_queries_are_the_same_for_one_team_and_four_and_a_week_and_a_year(
    client, django_assert_max_num_queries
):
    items = template_with_items(titles=["Call block", "Update the call list"])
    small, small_people = coordinator_with_teams(1)
    large, large_people = coordinator_with_teams(4)
    for person in small_people:
        checklist_services.checklist_issue_today(user=person)
    client.force_login(small)
    grid(client)  # the session's first page reads the menu's layers; later ones have them
    one_team_a_week = queries_of(client, "get", url("verify_board"))
    client.force_login(large)
    grid(client)
    four_teams_a_day = queries_of(client, "get", url("verify_board"))

    year_of_history(large_people, items)
    year_of_history(small_people, items, from_today=False)  # today's issued above
    with django_assert_max_num_queries(GRID_QUERIES):
        four_teams = grid(client)
    four_teams_a_year = queries_of(client, "get", url("verify_board"))
    client.force_login(small)
    with django_assert_max_num_queries(GRID_QUERIES):
        one_team = grid(client)

    assert queries_of(client, "get", url("verify_board")) == one_team_a_week
    assert four_teams_a_year == four_teams_a_day
    assert one_team.context["week"].people == 8
    assert four_teams.context["week"].people == 32
    # A miss in every nine checks of the year, none with a countermeasure: all carried.
    first = four_teams.context["week"].groups[0].rows[0]
    assert first.cells[0].carried > 25
    assert len(four_teams.content) < 60_000
    assert queries_of(client, "get", url("verify_board") + "?week=2026-W01") == one_team_a_week


def test_the_red_and_green_conditions_are_the_models_for_every_status_and_verification(org):
    checklist = ChecklistFactory(owner=org.leader, date=last_monday())
    checks = []
    for status in Check.Status.values:
        for verification in Check.Verification.values:
            item = template_with_items(titles=[f"{status} {verification}"])[0]
            checks.append(
                CheckFactory(
                    checklist=checklist,
                    item=item,
                    status=status,
                    verification=verification,
                    miss_note="Ran over" if status == Check.Status.MISSED else "",
                )
            )

    red = set(Check.objects.filter(verification_selectors.RED).values_list("pk", flat=True))
    green = set(Check.objects.filter(verification_selectors.GREEN).values_list("pk", flat=True))

    assert red == {check.pk for check in checks if check.is_red}
    assert green == {check.pk for check in checks if check.is_green}
    assert len(green) == 5  # done x 3 verifications without "requested", and "recorded" x 2 more
    assert len(red) == 5  # missed x 3 verifications without "recorded", and "requested" x 2 more
