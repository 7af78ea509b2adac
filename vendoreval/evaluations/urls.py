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
]
