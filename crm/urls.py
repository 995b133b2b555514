from django.urls import path

from . import views

app_name = "crm"
urlpatterns = [
    path("newsletter/", views.subscribe, name="subscribe"),
    path("newsletter/thanks/", views.subscribe_thanks, name="subscribe_thanks"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
