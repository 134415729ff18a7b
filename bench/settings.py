"""The production settings plus what only the bench needs: its URL configuration
(the ceiling page, bench/urls.py) and a header counting each request's queries.

gunicorn runs with DJANGO_SETTINGS_MODULE=bench.settings; nothing else changes.
"""

from leanops.settings import *  # noqa: F403
from leanops.settings import MIDDLEWARE as PRODUCT_MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Outermost, so the session and user lookups are counted too.
MIDDLEWARE = ["bench.middleware.query_count", *PRODUCT_MIDDLEWARE]
