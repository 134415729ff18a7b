from django.urls import path

from valuestream.views import calendar_feed, dashboard, reviews

app_name = "valuestream"

urlpatterns: list = [
    # The weekly review and the VSM's dashboard (issue 11).
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "<int:value_stream_id>/dashboard/",
        dashboard.value_stream_dashboard,
        name="value_stream_dashboard",
    ),
    path("<int:value_stream_id>/adherence.csv", dashboard.adherence_csv, name="adherence_csv"),
    path("<int:value_stream_id>/reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:review_id>/", reviews.review_detail, name="review_detail"),
    path(
        "reviews/<int:review_id>/attendance/",
        reviews.review_attendance,
        name="review_attendance",
    ),
    path("reviews/<int:review_id>/notes/", reviews.review_note_add, name="review_note_add"),
    path("reviews/<int:review_id>/actions/", reviews.review_action_add, name="review_action_add"),
    path("calendar/", calendar_feed.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/reset/", calendar_feed.calendar_feed_reset, name="calendar_feed_reset"),
    # A token is URL-safe base64 (secrets.token_urlsafe): a slug, nothing else reaches the view.
    path("calendar/<slug:token>.ics", calendar_feed.calendar_feed, name="calendar_feed"),
]
