from django.urls import path

from standardwork import views

app_name = "standardwork"

urlpatterns = [
    path("", views.my_standard_work, name="my_standard_work"),
]
