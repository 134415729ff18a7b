"""CSV import: all or nothing, row by row, duplicates merged, through the task."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from tests.valuestream.conftest import add_email
from tests.valuestream.factories import ProspectFactory
from valuestream.models import Enrollment, Prospect, ProspectImport
from valuestream.services import prospects as prospect_services

pytestmark = pytest.mark.django_db

GOOD = """First Name,Last Name,Company,Email,Phone,Address,City,Zip,Country,Time Zone
Ada,King,Hydro Ltd,ada@hydro.example,+44 113 496 0000,1 Mill Lane,Leeds,LS1 1AA,UK,Europe/London
Ben,Ortiz,Flow Inc,BEN@flow.example,+1 212 555 0100,5 Main St,Albany,12207,USA,America/New_York
Cai,Li,,cai@valve.example,,,,,,
"""


@pytest.fixture
def start(org, django_capture_on_commit_callbacks):
    """Upload a CSV as the team's leader; the import task runs (eagerly) on commit."""

    def upload(text, campaign=None, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            return prospect_services.import_start(
                actor=actor or org["leader"], team=org["team"], campaign=campaign,
                name="expo.csv", content=text.encode(),
            )  # fmt: skip

    return upload


def test_a_good_file_imports_every_row_and_enrols_them(org, campaign, start):
    add_email(campaign, org["leader"])

    upload = start(GOOD, campaign)

    upload.refresh_from_db()  # the task ran eagerly on commit
    assert (upload.status, upload.total_rows, upload.processed_rows) == ("done", 3, 3)
    assert (upload.created_count, upload.merged_count, upload.enrolled_count) == (3, 0, 3)
    ben = Prospect.objects.get(email="ben@flow.example")
    assert (ben.first_name, ben.company, ben.time_zone) == ("Ben", "Flow Inc", "America/New_York")
    assert ben.address == "5 Main St\nAlbany\n12207\nUSA"
    assert Prospect.objects.get(email="cai@valve.example").time_zone == "Europe/London"  # team's
    assert Enrollment.objects.filter(campaign=campaign).count() == 3


def test_bad_rows_are_refused_with_a_report_and_nothing_is_imported(org, campaign, start):
    text = GOOD + "Dan,Moss,X,not-an-email,,,,,,\nEve,Stone,Y,eve@y.example,,,,,,Mars/Olympus\n"

    upload = start(text, campaign)

    upload.refresh_from_db()
    assert upload.status == ProspectImport.Status.REFUSED
    assert Prospect.objects.count() == 0
    assert Enrollment.objects.count() == 0
    lines = upload.bad_rows.strip().splitlines()
    assert lines[0].startswith("row,problem,First Name")
    assert lines[1].startswith("5,“not-an-email” is not an email address.,Dan")
    assert lines[2].startswith("6,“Mars/Olympus” is not a time zone")


def test_duplicates_by_email_are_merged_not_doubled(org, start):
    ProspectFactory(team=org["team"], email="ada@hydro.example", company="", phone="")
    text = GOOD + "Ben,,,ben@flow.example,,,,,,\n"

    upload = start(text)

    upload.refresh_from_db()
    assert (upload.created_count, upload.merged_count) == (2, 1)
    assert Prospect.objects.count() == 3
    ada = Prospect.objects.get(email__iexact="ada@hydro.example")
    assert (ada.company, ada.phone) == ("Hydro Ltd", "+44 113 496 0000")  # gaps filled


def test_a_file_without_an_email_column_is_refused(org, start):
    upload = start("Name,Company\nAda,Hydro\n")

    upload.refresh_from_db()
    assert upload.status == "refused"
    assert "No email column" in upload.bad_rows


def test_only_the_teams_leader_or_vsm_imports(org, start):
    with pytest.raises(PermissionDenied):
        start(GOOD, actor=org["member"])

    assert ProspectImport.objects.count() == 0


def test_fifty_thousand_rows_import_through_the_task_with_progress(org, start, monkeypatch):
    rows = "\n".join(f"P{n},Person,Co {n % 97},p{n}@bulk.example" for n in range(50_000))
    seen = []
    monkeypatch.setattr(prospect_services, "PROGRESS_EVERY", 5000)
    original = prospect_services.import_parse

    def parse(text, progress=None):
        def report(done):
            progress(done)
            seen.append(ProspectImport.objects.get().processed_rows)

        return original(text, progress=report)

    monkeypatch.setattr(prospect_services, "import_parse", parse)

    upload = start("First Name,Last Name,Company,Email\n" + rows + "\n")

    upload.refresh_from_db()
    assert (upload.status, upload.created_count, upload.percent) == ("done", 50_000, 100)
    assert Prospect.objects.count() == 50_000
    assert seen == list(range(5000, 50_001, 5000))


def test_the_bad_rows_report_escapes_formulas(org, start):
    upload = start("Email,Company\n=cmd|' /C calc'!A0,@SUM(1)\n")

    upload.refresh_from_db()
    row = upload.bad_rows.strip().splitlines()[1]
    assert row.startswith("2,") and ",'=cmd|' /C calc'!A0,'@SUM(1)" in row


def test_an_upload_whose_task_never_reached_a_worker_is_imported_by_a_later_tick(
    org, campaign, fixed_clock
):
    from valuestream.tasks import requeue_stranded_imports

    # The broker was down at the commit: the upload is stored, its task never queued.
    upload = prospect_services.import_start(
        actor=org["leader"], team=org["team"], campaign=campaign, name="expo.csv",
        content=GOOD.encode(), queue=False,
    )  # fmt: skip

    soon = requeue_stranded_imports()  # its own task may still be on its way
    fixed_clock.shift(timedelta(minutes=11))
    later = requeue_stranded_imports()
    again = requeue_stranded_imports()

    assert (soon, later, again) == (0, 1, 0)
    upload.refresh_from_db()
    assert (upload.status, upload.created_count) == ("done", 3)
    assert Prospect.objects.count() == 3
