"""Workflow pages of incidents (mounted at the site root)."""

from django.urls import path

from . import comms_views, views

app_name = "incidents"
urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/declare", views.incident_declare, name="declare"),
    path("incidents/<int:pk>/", views.war_room, name="war-room"),
    path("incidents/<int:pk>/events", views.timeline_tail, name="timeline-tail"),
    path("incidents/<int:pk>/notes", views.note_add, name="note-add"),
    path("incidents/<int:pk>/status", views.status_change, name="status"),
    path("incidents/<int:pk>/roles", views.role_assign, name="roles"),
    path("incidents/<int:pk>/checklist/<int:position>", views.checklist_tick, name="checklist-tick"),
    path("incidents/<int:pk>/status-updates", comms_views.status_update_add, name="status-update"),
    path("incidents/acknowledge/<str:token>", comms_views.acknowledge_link, name="acknowledge-link"),
    path("incidents/<int:pk>/postmortem", views.postmortem, name="postmortem"),
    path("incidents/<int:pk>/postmortem.md", views.postmortem_export, name="postmortem-export"),
]
