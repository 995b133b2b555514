from django.urls import path

from . import views

urlpatterns = [
    path("opendata/consultations.csv", views.open_data_csv, name="opendata_csv"),
    path("opendata/consultations.json", views.open_data_json, name="opendata_json"),
]
