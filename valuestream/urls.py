from django.urls import path

from valuestream.views import unsubscribe as unsubscribe_views

app_name = "valuestream"

urlpatterns: list = [
    path("unsubscribe/", unsubscribe_views.unsubscribe, name="unsubscribe"),
]
