from django.urls import path

from .views import drafts, simulations

urlpatterns = [
    path("", drafts.policy_draft_list_page, name="policy_draft_list"),
    path("new/", drafts.policy_draft_new, name="policy_draft_new"),
    path("<int:pk>/", drafts.policy_draft_detail, name="policy_draft_detail"),
    path("<int:pk>/regions/<str:code>/", drafts.policy_draft_region, name="policy_draft_region"),
    path("<int:pk>/simulate/", drafts.policy_draft_simulate, name="policy_draft_simulate"),
    path("<int:pk>/approve/", drafts.policy_draft_approve_page, name="policy_draft_approve"),
    path("<int:pk>/withdraw/", drafts.policy_draft_withdraw_page, name="policy_draft_withdraw"),
    path("simulations/<int:pk>/", simulations.impact_simulation_detail, name="impact_simulation_detail"),
    path(
        "simulations/<int:pk>/totals.xlsx",
        simulations.impact_simulation_totals_export,
        name="impact_simulation_totals_export",
    ),
    path(
        "simulations/<int:pk>/people.xlsx",
        simulations.impact_simulation_people_export,
        name="impact_simulation_people_export",
    ),
]
