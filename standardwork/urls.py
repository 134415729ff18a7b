from django.urls import path

from standardwork.views import absences as absence_views
from standardwork.views import adherence as adherence_views
from standardwork.views import checklists as checklist_views
from standardwork.views import cycles as cycle_views
from standardwork.views import followup as followup_views
from standardwork.views import standups as standup_views
from standardwork.views import templates as template_views
from standardwork.views import verification as verification_views

app_name = "standardwork"

checklist_patterns = [
    path("", checklist_views.my_standard_work, name="my_standard_work"),
    path("checks/<int:check_id>/", checklist_views.check_row, name="check_row"),
    path("checks/<int:check_id>/tick/", checklist_views.check_tick, name="check_tick"),
    path("checks/<int:check_id>/undo/", checklist_views.check_undo, name="check_undo"),
    path("checks/<int:check_id>/miss/", checklist_views.check_miss, name="check_miss"),
    path(
        "checks/<int:check_id>/countermeasure/",
        checklist_views.check_record_countermeasure,
        name="check_record_countermeasure",
    ),
    path("notices/", followup_views.notices, name="notices"),
    path("notices/read/", followup_views.notices_read_all, name="notices_read_all"),
    path("notices/<int:notice_id>/read/", followup_views.notice_read, name="notice_read"),
    path("verify/", verification_views.verify_board, name="verify_board"),
    path(
        "verify/checklists/<int:checklist_id>/confirm/",
        verification_views.checklist_confirm,
        name="checklist_confirm",
    ),
    path(
        "verify/checks/<int:check_id>/ask/",
        verification_views.check_request_countermeasure,
        name="check_request_countermeasure",
    ),
    path(
        "verify/checks/<int:check_id>/history/",
        verification_views.check_history,
        name="check_history",
    ),
    path(
        "checklists/<int:checklist_id>/",
        verification_views.checklist_detail,
        name="checklist_detail",
    ),
    path("people/<int:person_id>/", adherence_views.person_adherence, name="person_adherence"),
    path("teams/<int:team_id>/", adherence_views.team_adherence, name="team_adherence"),
    path("leave/", absence_views.absence_list, name="absence_list"),
    path("templates/", template_views.template_list, name="template_list"),
    path("templates/new/", template_views.template_create, name="template_create"),
    path("templates/<int:template_id>/", template_views.template_detail, name="template_detail"),
    path("templates/<int:template_id>/edit/", template_views.template_edit, name="template_edit"),
]

# Stand-ups, impediments and actions (standardwork/views/standups.py).
standup_patterns: list = [
    path("standups/", standup_views.standup_list, name="standup_list"),
    path("standups/<int:standup_id>/", standup_views.standup_detail, name="standup_detail"),
    path("standups/<int:standup_id>/start/", standup_views.standup_start, name="standup_start"),
    path("standups/<int:standup_id>/end/", standup_views.standup_end, name="standup_end"),
    path(
        "standups/<int:standup_id>/attendance/",
        standup_views.standup_attendance,
        name="standup_attendance",
    ),
    path(
        "standups/<int:standup_id>/attendance/<int:person_id>/",
        standup_views.standup_attendance_person,
        name="standup_attendance_person",
    ),
    path("standups/<int:standup_id>/notes/", standup_views.standup_notes, name="standup_notes"),
    path(
        "standups/<int:standup_id>/actions/",
        standup_views.standup_action_create,
        name="standup_action_create",
    ),
    path(
        "standups/<int:standup_id>/impediments/",
        standup_views.standup_impediment_raise,
        name="standup_impediment_raise",
    ),
    path(
        "teams/<int:team_id>/standup/",
        standup_views.team_standup_today,
        name="team_standup_today",
    ),
    path("teams/<int:team_id>/standups/", standup_views.standup_history, name="standup_history"),
    path(
        "teams/<int:team_id>/impediments/",
        standup_views.team_impediments,
        name="team_impediments",
    ),
    path(
        "teams/<int:team_id>/impediments/raise/",
        standup_views.team_impediment_raise,
        name="team_impediment_raise",
    ),
    path("impediments/", standup_views.impediment_board, name="impediment_board"),
    path(
        "impediments/<int:impediment_id>/",
        standup_views.impediment_detail,
        name="impediment_detail",
    ),
    path(
        "impediments/<int:impediment_id>/start/",
        standup_views.impediment_start,
        name="impediment_start",
    ),
    path(
        "impediments/<int:impediment_id>/remove/",
        standup_views.impediment_remove,
        name="impediment_remove",
    ),
    path(
        "impediments/<int:impediment_id>/escalate/",
        standup_views.impediment_escalate,
        name="impediment_escalate",
    ),
    # The card's forms, fetched when a person opens one (htmx), or as a page without JS.
    path(
        "impediments/<int:impediment_id>/remove/form/",
        standup_views.impediment_form,
        {"which": "remove"},
        name="impediment_remove_form",
    ),
    path(
        "impediments/<int:impediment_id>/escalate/form/",
        standup_views.impediment_form,
        {"which": "escalate"},
        name="impediment_escalate_form",
    ),
    path(
        "impediments/<int:impediment_id>/answer/",
        standup_views.impediment_answer,
        name="impediment_answer",
    ),
    path("escalations/", standup_views.escalations, name="escalations"),
    path(
        "actions/<int:action_id>/complete/",
        standup_views.action_complete,
        name="action_complete",
    ),
    path("actions/<int:action_id>/reopen/", standup_views.action_reopen, name="action_reopen"),
]

# PDCA/SDCA cycles and control points (standardwork/views/cycles.py).
cycle_patterns: list = [
    path("improvement/", cycle_views.improvement_home, name="improvement"),
    path(
        "teams/<int:team_id>/improvement/",
        cycle_views.team_improvement,
        name="team_improvement",
    ),
    path("teams/<int:team_id>/cycles/new/", cycle_views.cycle_start, name="cycle_start"),
    path(
        "teams/<int:team_id>/control-points/new/",
        cycle_views.control_point_create,
        name="control_point_create",
    ),
    path("cycles/<int:cycle_id>/", cycle_views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:cycle_id>/do/", cycle_views.cycle_do, name="cycle_do"),
    path("cycles/<int:cycle_id>/actions/", cycle_views.cycle_action_add, name="cycle_action_add"),
    path("cycles/<int:cycle_id>/check/", cycle_views.cycle_check, name="cycle_check"),
    path("cycles/<int:cycle_id>/act/", cycle_views.cycle_act, name="cycle_act"),
    path("cycles/<int:cycle_id>/adopt/", cycle_views.cycle_adopt, name="cycle_adopt"),
    path("cycles/<int:cycle_id>/close/", cycle_views.cycle_close, name="cycle_close"),
    path("cycles/<int:cycle_id>/follow-up/", cycle_views.cycle_follow_up, name="cycle_follow_up"),
    path(
        "control-points/<int:control_point_id>/",
        cycle_views.control_point_detail,
        name="control_point_detail",
    ),
    path(
        "control-points/<int:control_point_id>/measurements/",
        cycle_views.measurement_record,
        name="measurement_record",
    ),
    path(
        "control-points/<int:control_point_id>/baselines/",
        cycle_views.baseline_start,
        name="control_point_baseline_start",
    ),
    path(
        "measurements/<int:measurement_id>/change/",
        cycle_views.measurement_change,
        name="measurement_change",
    ),
]

urlpatterns = checklist_patterns + standup_patterns + cycle_patterns
