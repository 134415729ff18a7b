from django.urls import path

from standardwork.views import checklists as views

app_name = "standardwork"

checklist_patterns = [
    path("", views.my_standard_work, name="my_standard_work"),
    path("checks/<int:check_id>/", views.check_row, name="check_row"),
    path("checks/<int:check_id>/tick/", views.check_tick, name="check_tick"),
    path("checks/<int:check_id>/undo/", views.check_undo, name="check_undo"),
    path("checks/<int:check_id>/miss/", views.check_miss, name="check_miss"),
    path(
        "checks/<int:check_id>/countermeasure/",
        views.check_record_countermeasure,
        name="check_record_countermeasure",
    ),
    path("notices/<int:notice_id>/read/", views.notice_read, name="notice_read"),
    path("verify/", views.verify_board, name="verify_board"),
    path(
        "verify/checklists/<int:checklist_id>/confirm/",
        views.checklist_confirm,
        name="checklist_confirm",
    ),
    path(
        "verify/checks/<int:check_id>/ask/",
        views.check_request_countermeasure,
        name="check_request_countermeasure",
    ),
    path("checklists/<int:checklist_id>/", views.checklist_detail, name="checklist_detail"),
    path("people/<int:person_id>/", views.person_adherence, name="person_adherence"),
    path("teams/<int:team_id>/", views.team_adherence, name="team_adherence"),
    path("leave/", views.absence_list, name="absence_list"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_detail, name="template_detail"),
    path("templates/<int:template_id>/edit/", views.template_edit, name="template_edit"),
]

# Stand-ups, impediments and actions (standardwork/views/standups.py).
standup_patterns: list = []

# PDCA/SDCA cycles and control points (standardwork/views/cycles.py).
cycle_patterns: list = []

urlpatterns = checklist_patterns + standup_patterns + cycle_patterns
