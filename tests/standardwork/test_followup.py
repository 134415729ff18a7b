"""The one way in for follow-up: `action_create` (every source, one set of rules)
and `notice_send` (the notice now, its email queued on commit, retried on a
transient SMTP error, sent at most once)."""

import smtplib
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from standardwork.models import Action, Cycle, Notice
from standardwork.services import cycles as cycle_services
from standardwork.services import followup
from standardwork.services import standups as standup_services
from standardwork.tasks import send_notice_email
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db

NOW = at("2026-11-18 08:50", "Europe/London")  # a Wednesday
DUE = date(2026, 11, 20)


@pytest.fixture
def standup(org):
    return standup_services.standup_open_today(team=org["team"], now=NOW)


@pytest.fixture
def cycle(org):
    return cycle_services.cycle_start(
        actor=org["leader"],
        team=org["team"],
        kind=Cycle.Kind.PDCA,
        title="Fewer no-shows",
        problem="Half the booked meetings do not happen.",
        hypothesis="A reminder call the day before halves the no-shows.",
        target="Under 20% no-shows",
    )


def _create(org, **fields) -> Action:
    values = {
        "actor": org["coordinator"], "team": org["team"], "title": "Call back Acme",
        "owner": org["member"], "due_date": DUE, "now": NOW,
    }  # fmt: skip
    return followup.action_create(**{**values, **fields})


# --- action_create: the same rules for every source ---------------------------


def test_an_action_from_each_source_is_written_the_same_way(org, standup, cycle):
    from_standup = _create(org, source=Action.Source.STANDUP, standup=standup)
    from_cycle = _create(org, actor=org["member"], source=Action.Source.CYCLE, cycle=cycle)
    from_review = _create(org, actor=org["vsm"], source=Action.Source.WEEKLY_REVIEW)

    assert [
        (a.source, a.standup_id, a.cycle_id, a.created_by.username, a.owner.username, a.due_date)
        for a in (from_standup, from_cycle, from_review)
    ] == [
        ("standup", standup.pk, None, "coordinator", "member", DUE),
        ("cycle", None, cycle.pk, "member", "member", DUE),
        ("weekly_review", None, None, "vsm", "member", DUE),
    ]


@pytest.mark.parametrize(
    ("source", "actor", "message"),
    [
        (Action.Source.STANDUP, "member", followup.NOT_LOGGER),
        (Action.Source.STANDUP, "vsm", followup.NOT_LOGGER),
        (Action.Source.CYCLE, "vsm", followup.NOT_CYCLE_MOVER),
        (Action.Source.CYCLE, "outsider", followup.NOT_CYCLE_MOVER),
        (Action.Source.WEEKLY_REVIEW, "member", followup.NOT_ASSIGNER),
        (Action.Source.WEEKLY_REVIEW, "outsider", followup.NOT_ASSIGNER),
        (Action.Source.OTHER, "member", followup.NOT_ASSIGNER),
    ],
)
def test_action_create_refuses_who_may_not_give_it_and_writes_nothing(
    org, standup, cycle, source, actor, message
):
    org["outsider"] = MembershipFactory(team=TeamFactory(name="South")).user
    links = {"standup": standup} if source == Action.Source.STANDUP else {}
    links |= {"cycle": cycle} if source == Action.Source.CYCLE else {}

    with pytest.raises(PermissionDenied) as refusal:
        _create(org, actor=org[actor], source=source, **links)

    assert str(refusal.value) == message
    assert Action.objects.count() == 0


def test_an_action_from_another_teams_standup_or_cycle_is_refused(org, standup, cycle):
    south = TeamFactory(name="South", coordinator=org["coordinator"])

    with pytest.raises(PermissionDenied, match="stand-up's team"):
        _create(org, team=south, source=Action.Source.STANDUP, standup=standup)
    with pytest.raises(PermissionDenied, match="cycle's team"):
        _create(org, team=south, source=Action.Source.CYCLE, cycle=cycle)
    with pytest.raises(PermissionDenied, match="name a stand-up or a cycle"):
        _create(org, source=Action.Source.OTHER, standup=standup)

    assert Action.objects.count() == 0


@pytest.mark.parametrize("source", [Action.Source.STANDUP, Action.Source.CYCLE, "weekly_review"])
def test_action_create_refuses_bad_fields_with_the_same_messages_for_every_source(
    org, standup, cycle, source
):
    links = {"standup": standup} if source == Action.Source.STANDUP else {}
    links |= {"cycle": cycle} if source == Action.Source.CYCLE else {}
    actor = org["vsm"] if source == "weekly_review" else org["coordinator"]

    with pytest.raises(ValidationError) as refusal:
        _create(
            org,
            actor=actor,
            source=source,
            title="  ",
            owner=UserFactory(username="stranger"),
            due_date=date(2026, 11, 17),
            **links,
        )

    assert refusal.value.message_dict == {
        "title": ["Say what is to be done."],
        "owner": ["The owner must be someone in North."],
        "due_date": ["The due date cannot be in the past."],
    }
    assert Action.objects.count() == 0


def test_an_unknown_source_is_refused(org):
    with pytest.raises(ValidationError) as refusal:
        _create(org, source="rumour")

    assert refusal.value.message_dict == {"source": ["Choose where the action comes from."]}
    assert Action.objects.count() == 0


def test_several_actions_are_all_written_or_none(org, cycle):
    good = followup.ActionSpec("Call back Acme", org["member"], DUE)
    bad = followup.ActionSpec("Call back Beta", org["member"], date(2026, 11, 1))

    with pytest.raises(ValidationError):
        followup.actions_create(
            actor=org["leader"], team=org["team"], specs=[good, bad],
            source=Action.Source.CYCLE, cycle=cycle, now=NOW,
        )  # fmt: skip

    assert Action.objects.count() == 0


# --- notice_send ----------------------------------------------------------------


def _send(org, *, email: bool = True) -> Notice:
    return followup.notice_send(
        recipient_id=org["leader"].pk,
        kind=Notice.Kind.COUNTERMEASURE,
        day=date(2026, 11, 18),
        text='Coordinator asks for a countermeasure on\n  "Call block": what got in the way?',
        url_name="standardwork:my_standard_work",
        email=email,
    )


@pytest.fixture
def leader_with_email(org):
    org["leader"].email = "leader@example.com"
    org["leader"].save(update_fields=["email"])
    return org["leader"]


def test_a_notice_is_written_once_and_its_email_queued_on_commit(
    org, leader_with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        notice = _send(org)

    assert list(Notice.objects.values_list("recipient__username", "kind", "text", "url")) == [
        (
            "leader",
            "countermeasure",
            'Coordinator asks for a countermeasure on "Call block": what got in the way?',
            "/standard-work/",
        )
    ]
    assert len(queued) == 1
    assert mail.outbox == []  # nothing leaves before the commit

    queued[0]()

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["leader@example.com"], "LeanOps: Countermeasure asked for")
    ]
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_a_notice_without_email_queues_nothing(
    org, leader_with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        _send(org, email=False)

    assert (len(queued), mail.outbox, Notice.objects.count()) == (0, [], 1)


def test_no_email_is_queued_when_the_transaction_rolls_back(
    org, leader_with_email, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _send(org)
        raise RuntimeError("the write that sent it failed")

    assert (len(queued), mail.outbox, Notice.objects.count()) == (0, [], 0)


def test_the_email_is_sent_at_most_once_when_the_task_runs_twice(org, leader_with_email):
    notice = _send(org)

    first = send_notice_email.apply(kwargs={"notice_id": notice.pk}).get()
    second = send_notice_email.apply(kwargs={"notice_id": notice.pk}).get()

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


class _FlakyBackend:
    """An SMTP server that is down for the first `failures` attempts."""

    failures = 0
    attempts = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_transient_smtp_error_is_retried_and_the_email_then_goes_once(
    org, leader_with_email, settings, monkeypatch
):
    settings.EMAIL_BACKEND = f"{__name__}._FlakyBackend"
    monkeypatch.setattr(_FlakyBackend, "failures", 2)
    monkeypatch.setattr(_FlakyBackend, "attempts", 0)
    # No back-off wait in the test: the retry runs at once, eagerly.
    monkeypatch.setattr(send_notice_email, "default_retry_delay", 0)
    notice = _send(org)

    # Run eagerly, each retry runs at once inside the first call.
    send_notice_email.app.conf.task_eager_propagates = False  # conftest sets it back
    result = send_notice_email.apply(kwargs={"notice_id": notice.pk})

    assert (result.state, result.get()) == ("SUCCESS", True)
    assert _FlakyBackend.attempts == 3
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_a_permanent_smtp_error_is_not_retried_and_the_notice_stays_unsent(
    org, leader_with_email, settings, monkeypatch
):
    class Refusing(_FlakyBackend):
        def send_messages(self, messages):
            type(self).attempts += 1
            raise smtplib.SMTPRecipientsRefused({"leader@example.com": (550, b"No such user")})

    monkeypatch.setattr(Refusing, "attempts", 0)
    monkeypatch.setitem(globals(), "Refusing", Refusing)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    notice = _send(org)

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_notice_email.apply(kwargs={"notice_id": notice.pk}).get()

    assert Refusing.attempts == 1
    notice.refresh_from_db()
    assert notice.emailed_at is None


def test_a_days_reminder_exists_once_and_a_second_send_returns_none(org):
    first = followup.notice_send(
        recipient_id=org["leader"].pk, kind=Notice.Kind.REMINDER, day=date(2026, 11, 18),
        text="You have 3 open standard-work items today.", url_name="standardwork:my_standard_work",
    )  # fmt: skip
    second = followup.notice_send(
        recipient_id=org["leader"].pk, kind=Notice.Kind.REMINDER, day=date(2026, 11, 18),
        text="You have 3 open standard-work items today.", url_name="standardwork:my_standard_work",
    )  # fmt: skip

    assert first is not None and second is None
    assert Notice.objects.count() == 1


def test_a_long_notice_is_cut_and_marked(org):
    notice = followup.notice_send(
        recipient_id=org["leader"].pk, kind=Notice.Kind.ESCALATION, day=date(2026, 11, 18),
        text="x" * 400, url_name="standardwork:escalations",
    )  # fmt: skip

    assert (len(notice.text), notice.text[-1]) == (300, "…")


def test_a_due_date_years_ahead_is_refused_by_the_service_too(org):
    with pytest.raises(ValidationError) as refusal:
        _create(org, source=Action.Source.OTHER, due_date=date(9999, 12, 31))

    assert refusal.value.message_dict == {"due_date": [followup.TOO_FAR_DUE_DATE]}
    assert Action.objects.count() == 0


def test_a_due_date_within_the_limit_is_taken(org):
    action = _create(org, source=Action.Source.OTHER, due_date=date(2031, 11, 18))

    assert action.due_date == date(2031, 11, 18)


# --- notices that resolve themselves, mark all read, someone else's notice ---------


def _notice(recipient, *, about: str = "", text: str = "Something to see") -> Notice:
    return followup.notice_send(
        recipient_id=recipient.pk, kind=Notice.Kind.CONTROL_POINT, day=date(2026, 11, 18),
        text=text, url_name="standardwork:my_standard_work", about=about,
    )  # fmt: skip


def _read_state(*notices: Notice) -> list[tuple[bool, bool]]:
    """(read, resolved) of each notice, as stored."""
    for notice in notices:
        notice.refresh_from_db()
    return [(n.read_at is not None, n.resolved_at is not None) for n in notices]


def test_resolving_marks_the_unread_notices_about_it_read_and_resolved_and_no_others(org):
    asked = _notice(org["leader"], about="check:7")
    asked_twice = _notice(org["coordinator"], about="check:7")
    other_check = _notice(org["leader"], about="check:8")
    about_nothing = _notice(org["leader"])

    resolved = followup.notices_resolve(about="check:7", now=NOW)

    assert resolved == 2
    assert _read_state(asked, asked_twice, other_check, about_nothing) == [
        (True, True), (True, True), (False, False), (False, False),
    ]  # fmt: skip
    assert asked.read_at == asked.resolved_at == NOW


def test_resolving_leaves_a_notice_already_read_as_it_was_read(org):
    read = _notice(org["leader"], about="check:7")
    followup.notice_mark_read(actor=org["leader"], notice_id=read.pk)
    read.refresh_from_db()
    read_at = read.read_at

    assert followup.notices_resolve(about="check:7", now=NOW) == 0
    read.refresh_from_db()
    assert (read.read_at, read.resolved_at) == (read_at, None)


def test_resolving_nothing_touches_the_notices_about_nothing(org):
    unkeyed = _notice(org["leader"])

    assert followup.notices_resolve(about="") == 0
    assert _read_state(unkeyed) == [(False, False)]


def test_a_countermeasure_notice_resolves_itself_when_the_countermeasure_is_recorded(
    org, tl_template
):
    from standardwork.models import Check
    from standardwork.services import checklists as checklist_services
    from standardwork.services import verification as verification_services

    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00"))
    check = Check.objects.filter(checklist__owner=org["leader"]).order_by("position").first()
    verification_services.check_request_countermeasure(
        actor=org["coordinator"], check_id=check.pk, comment="What got in the way?"
    )
    notice = Notice.objects.get(recipient=org["leader"], kind=Notice.Kind.COUNTERMEASURE)
    assert (notice.about, _read_state(notice)) == (f"check:{check.pk}", [(False, False)])

    verification_services.check_record_countermeasure(
        actor=org["leader"], check_id=check.pk, countermeasure="Block the slot."
    )

    assert _read_state(notice) == [(True, True)]


def test_an_escalation_notice_resolves_itself_when_the_vsm_answers(org):
    impediment = standup_services.impediment_raise(
        actor=org["member"], team=org["team"], title="CRM is down"
    )
    standup_services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason="IT is not ours.", now=NOW
    )
    escalation = Notice.objects.get(recipient=org["vsm"], kind=Notice.Kind.ESCALATION)
    assert escalation.about == f"impediment:{impediment.pk}"

    standup_services.impediment_answer(
        actor=org["vsm"], impediment_id=impediment.pk, answer="I call IT today.", now=NOW
    )

    assert _read_state(escalation) == [(True, True)]
    # The answer's own notices, to the TC and to who raised it, wait to be read.
    answers = Notice.objects.filter(kind=Notice.Kind.ESCALATION_ANSWER).order_by("recipient_id")
    assert [(n.recipient.username, n.read_at, n.resolved_at) for n in answers] == [
        ("coordinator", None, None), ("member", None, None),
    ]  # fmt: skip


def test_mark_all_read_marks_only_the_actors_unread_notices(org):
    mine = [_notice(org["leader"]), _notice(org["leader"])]
    theirs = _notice(org["coordinator"])

    marked = followup.notices_mark_all_read(actor=org["leader"], now=NOW)

    assert marked == 2
    assert _read_state(*mine, theirs) == [(True, False), (True, False), (False, False)]


def test_marking_someone_elses_or_a_missing_notice_read_is_not_found_and_changes_nothing(org):
    theirs = _notice(org["coordinator"])

    with pytest.raises(Http404, match="That notice no longer exists."):
        followup.notice_mark_read(actor=org["leader"], notice_id=theirs.pk)
    with pytest.raises(Http404, match="That notice no longer exists."):
        followup.notice_mark_read(actor=org["leader"], notice_id=theirs.pk + 1000)

    assert _read_state(theirs) == [(False, False)]


def test_marking_a_notice_read_twice_keeps_the_first_time(org):
    notice = _notice(org["leader"])
    followup.notice_mark_read(actor=org["leader"], notice_id=notice.pk)
    notice.refresh_from_db()
    first = notice.read_at

    followup.notice_mark_read(actor=org["leader"], notice_id=notice.pk)

    notice.refresh_from_db()
    assert notice.read_at == first


def test_a_flagged_value_notice_resolves_itself_when_corrected_within_limits_or_voided(org):
    from decimal import Decimal

    from standardwork.models import ControlPoint

    point = cycle_services.control_point_create(
        actor=org["coordinator"], team=org["team"], name="Calls per day", unit="calls",
        upper_limit=Decimal(40),
    )  # fmt: skip
    ControlPoint.objects.filter(pk=point.pk).update(created_at=at("2026-11-01 09:00"))

    def record(value: int, day: date):
        return cycle_services.measurement_record(
            actor=org["member"], control_point_id=point.pk, value=Decimal(value),
            measured_on=day, now=NOW,
        )  # fmt: skip

    typo, void = record(41, date(2026, 11, 16)), record(45, date(2026, 11, 17))
    typo_notice, void_notice = Notice.objects.filter(kind=Notice.Kind.CONTROL_POINT).order_by("pk")
    assert (typo_notice.about, void_notice.about) == (
        f"measurement:{typo.pk}", f"measurement:{void.pk}",
    )  # fmt: skip

    cycle_services.measurement_correct(
        actor=org["coordinator"], measurement_id=typo.pk, value=Decimal(39), reason="Typo"
    )
    assert _read_state(typo_notice, void_notice) == [(True, True), (False, False)]

    cycle_services.measurement_void(
        actor=org["coordinator"], measurement_id=void.pk, reason="Counted twice", now=NOW
    )
    assert _read_state(void_notice) == [(True, True)]
