from django.urls import path

from . import views

app_name = "cases_public"
urlpatterns = [
    path("survey/case/<str:token>/", views.case_survey, name="survey"),
    path("consent/case/<str:token>/", views.case_consent, name="consent"),
]
