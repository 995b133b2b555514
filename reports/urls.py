from django.urls import path

from . import views

urlpatterns = [
    path("opendata/consultations.csv", views.open_data_csv, name="opendata_csv"),
    path("opendata/consultations.json", views.open_data_json, name="opendata_json"),
]

# The page that documents the files: under the language prefix (/opendata/, /en/opendata/).
public_urlpatterns = [
    path("opendata/", views.open_data_page, name="opendata"),
]
