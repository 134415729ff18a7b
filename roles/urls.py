from django.urls import path

from roles import views

app_name = "roles"

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("coordinator/", views.coordinator_home, name="coordinator_home"),
    path("marketing-communication/", views.marcom_home, name="marcom_home"),
    path("value-streams/", views.value_stream_list, name="value_stream_list"),
    path(
        "value-streams/<int:value_stream_id>/",
        views.value_stream_detail,
        name="value_stream_detail",
    ),
    path(
        "value-streams/<int:value_stream_id>/edit/",
        views.value_stream_edit,
        name="value_stream_edit",
    ),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
]
