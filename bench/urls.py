"""The product's URLs plus the ceiling: kept here, never in leanops/urls.py."""

from django.urls import path

from bench.views import ceiling
from leanops.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench_ceiling"),
    *product_urlpatterns,
]
