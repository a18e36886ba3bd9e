from django.urls import path

from . import feeds, views

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.DecisionListView.as_view(), name="decision_list"),
    path("decisions/feed/", feeds.DecisionFeed(), name="decision_feed"),
    # Symbols hold slashes (PC.DEC/557/Rev.1): the path converter takes them whole.
    path("decisions/symbol/<path:symbol>", views.DecisionBySymbolView.as_view(), name="decision_by_symbol"),
    path("decisions/<slug:slug>/", views.DecisionDetailView.as_view(), name="decision_detail"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/feed/", feeds.ReportFeed(), name="report_feed"),
    path("reports/<slug:slug>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation_list"),
    path("recommendations/feed/", feeds.RecommendationFeed(), name="recommendation_feed"),
]
