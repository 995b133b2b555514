from django.urls import path

from . import portal, views

app_name = "appointments"
urlpatterns = [
    path("sessions/<id:pk>/", views.book, name="book"),
    path("sessions/cancel/<str:token>/", views.cancel, name="cancel"),
]

# Mounted under /partner/sessions/ (before the portal's own URLs).
portal_urlpatterns = (
    [
        path("", portal.schedule, name="schedule"),
        path("<id:pk>/", portal.record, name="record"),
    ],
    "appointments_portal",
)
