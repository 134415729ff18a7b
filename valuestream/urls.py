from django.urls import path

from valuestream.views import calendar_feed, dashboard, reviews
from valuestream.views import calls as call_views
from valuestream.views import campaigns as campaign_views
from valuestream.views import economics as economics_views
from valuestream.views import handoffs as handoff_views
from valuestream.views import holidays as holiday_views
from valuestream.views import inbound as inbound_views
from valuestream.views import prospects as prospect_views
from valuestream.views import reports as report_views
from valuestream.views import training as training_views
from valuestream.views import unsubscribe as unsubscribe_views

app_name = "valuestream"

urlpatterns: list = [
    # follow-up campaigns
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/steps/", campaign_views.step_add, name="step_add"),
    path("steps/<int:step_id>/remove/", campaign_views.step_remove, name="step_remove"),
    path("campaigns/<int:campaign_id>/scripts/", campaign_views.script_add, name="script_add"),
    path("scripts/<int:script_id>/revise/", campaign_views.script_revise, name="script_revise"),
    path(
        "campaigns/<int:campaign_id>/run-due/",
        campaign_views.campaign_run_due,
        name="campaign_run_due",
    ),
    path(
        "campaigns/<int:campaign_id>/pause/", campaign_views.campaign_pause, name="campaign_pause"
    ),
    path(
        "campaigns/<int:campaign_id>/resume/",
        campaign_views.campaign_resume,
        name="campaign_resume",
    ),
    path(
        "enrollments/<int:enrollment_id>/reply/",
        campaign_views.enrollment_reply,
        name="enrollment_reply",
    ),
    # prospects
    path("campaigns/<int:campaign_id>/import/", prospect_views.import_create, name="import_create"),
    path("imports/<int:import_id>/", prospect_views.import_detail, name="import_detail"),
    path(
        "imports/<int:import_id>/bad-rows.csv",
        prospect_views.import_bad_rows,
        name="import_bad_rows",
    ),
    path(
        "campaigns/<int:campaign_id>/prospects.csv",
        prospect_views.campaign_prospects_csv,
        name="campaign_prospects_csv",
    ),
    # handoffs between teams
    path("handoffs/", handoff_views.handoff_list, name="handoff_list"),
    path(
        "handoffs/<int:handoff_id>/acknowledge/",
        handoff_views.handoff_acknowledge,
        name="handoff_acknowledge",
    ),
    path(
        "prospects/<int:prospect_id>/hand-off/",
        handoff_views.prospect_hand_off,
        name="prospect_hand_off",
    ),
    # the holidays no step runs on
    path("holidays/", holiday_views.holiday_list, name="holiday_list"),
    path("holidays/remove/", holiday_views.holiday_remove, name="holiday_remove"),
    # reports
    path(
        "campaigns/<int:campaign_id>/report/", report_views.campaign_report, name="campaign_report"
    ),
    path(
        "campaigns/<int:campaign_id>/funnel.csv",
        report_views.campaign_funnel_csv,
        name="campaign_funnel_csv",
    ),
    path("campaigns/<int:campaign_id>/won/", report_views.campaign_win, name="campaign_win"),
    # calls
    path("calls/", call_views.calls_today, name="calls_today"),
    path("calls/<int:call_id>/log/", call_views.call_log, name="call_log"),
    # budget and ROI
    path("economics/", economics_views.economics, name="economics"),
    path(
        "economics/<int:value_stream_id>/allocate/",
        economics_views.budget_allocate,
        name="budget_allocate",
    ),
    # training
    path("training/", training_views.training, name="training"),
    path("recordings/<int:recording_id>/", training_views.recording_audio, name="recording_audio"),
    # public: the one-click unsubscribe
    path("unsubscribe/", unsubscribe_views.unsubscribe, name="unsubscribe"),
    # public: the mail provider's reply and bounce webhook, signed with INBOUND_HOOK_SECRET
    path("hooks/inbound/", inbound_views.inbound_hook, name="inbound_hook"),
    # The weekly review and the VSM's dashboard (issue 11).
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "<int:value_stream_id>/dashboard/",
        dashboard.value_stream_dashboard,
        name="value_stream_dashboard",
    ),
    path("<int:value_stream_id>/adherence.csv", dashboard.adherence_csv, name="adherence_csv"),
    path("<int:value_stream_id>/funnel.csv", dashboard.funnel_csv, name="funnel_csv"),
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
