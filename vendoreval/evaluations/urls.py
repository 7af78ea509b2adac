from django.urls import path

from . import views

urlpatterns = [
    path("evaluations/new/", views.evaluation_new, name="evaluation-new"),
    path("e/<slug:slug>/", views.evaluation_results, name="evaluation-results"),
    path("e/<slug:slug>/questionnaire/<slug:step>/", views.questionnaire_step, name="evaluation-step"),
    path("e/<slug:slug>/field/<str:field>/", views.questionnaire_field, name="evaluation-field"),
    path("e/<slug:slug>/compare/", views.evaluation_compare, name="evaluation-compare"),
    path("e/<slug:slug>/shortlist/", views.evaluation_shortlist, name="evaluation-shortlist"),
    path("e/<slug:slug>/activity/", views.evaluation_activity, name="evaluation-activity"),
    path("e/<slug:slug>/checklist/", views.evaluation_adopt_checklist, name="evaluation-adopt-checklist"),
    path("e/<slug:slug>/duplicate/", views.evaluation_duplicate, name="evaluation-duplicate"),
    path("e/<slug:slug>/archive/", views.evaluation_archive, name="evaluation-archive"),
    path("e/<slug:slug>/unarchive/", views.evaluation_unarchive, name="evaluation-unarchive"),
    path("e/<slug:slug>/delete/", views.evaluation_delete, name="evaluation-delete"),
    path("e/<slug:slug>/ranking.xlsx", views.evaluation_ranking_export, {"fmt": "xlsx"},
         name="evaluation-ranking-xlsx"),
    path("e/<slug:slug>/ranking.csv", views.evaluation_ranking_export, {"fmt": "csv"}, name="evaluation-ranking-csv"),
    path("e/<slug:slug>/compare.xlsx", views.evaluation_compare_export, {"fmt": "xlsx"},
         name="evaluation-compare-xlsx"),
    path("e/<slug:slug>/compare.csv", views.evaluation_compare_export, {"fmt": "csv"}, name="evaluation-compare-csv"),
    path("deleted-evaluations/", views.deleted_evaluations, name="deleted-evaluations"),
]
