app_name = "valuestream"

urlpatterns: list = []
