from django.urls import path

from . import views

app_name = "cases_public"
urlpatterns = [
    path("survey/case/<str:token>/", views.case_survey, name="survey"),
]
