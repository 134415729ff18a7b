from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from leanops.views import healthz, home

handler403 = "leanops.views.permission_denied"
handler404 = "leanops.views.page_not_found"
handler500 = "leanops.views.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("standard-work/", include("standardwork.urls")),
    path("value-stream/", include("valuestream.urls")),
    path("", include("roles.urls")),
]

admin.site.site_header = "LeanOps administration"
admin.site.site_title = "LeanOps"
