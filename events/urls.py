from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("seminars/<id:pk>/register/", views.register, name="register"),
    path("registration/cancel/<str:token>/", views.cancel, name="cancel"),
    path("registration/survey/<str:token>/", views.survey, name="survey"),
]
