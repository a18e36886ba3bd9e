from django.urls import path

from . import feeds, views

app_name = "alliance"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    path("feed/", feeds.EventFeed(), name="event_feed"),
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("statements/", views.StatementListView.as_view(), name="statement_list"),
    path("statements/feed/", feeds.StatementFeed(), name="statement_feed"),
    path("statements/<slug:slug>/", views.StatementDetailView.as_view(), name="statement_detail"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
]
