"""Workflow pages of incidents (mounted at the site root)."""

from django.urls import path

from . import comms_views, views

app_name = "incidents"
urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/declare", views.incident_declare, name="declare"),
    path("incidents/metrics", views.metrics, name="metrics"),
    path("incidents/runbook-suggestion", views.runbook_suggestion, name="runbook-suggestion"),
    path("incidents/<int:pk>/", views.war_room, name="war-room"),
    path("incidents/<int:pk>/events", views.timeline_tail, name="timeline-tail"),
    path("incidents/<int:pk>/notes", views.note_add, name="note-add"),
    path("incidents/<int:pk>/status", views.status_change, name="status"),
    path("incidents/<int:pk>/roles", views.role_assign, name="roles"),
    path("incidents/<int:pk>/checklist/<int:position>", views.checklist_tick, name="checklist-tick"),
    path("incidents/<int:pk>/status-updates", comms_views.status_update_add, name="status-update"),
    path("incidents/acknowledge/<str:token>", comms_views.acknowledge_link, name="acknowledge-link"),
    path("incidents/<int:pk>/severity", views.severity_change, name="severity"),
    path("incidents/<int:pk>/events/<int:event_id>/star", views.event_star, name="event-star"),
    path("incidents/<int:pk>/follow-ups", views.follow_up_add, name="follow-up-add"),
    path("incidents/<int:pk>/follow-ups/<int:follow_up_id>", views.follow_up_status, name="follow-up-status"),
    path("incidents/<int:pk>/postmortem", views.postmortem, name="postmortem"),
    path("incidents/<int:pk>/postmortem.md", views.postmortem_export, name="postmortem-export"),
]
