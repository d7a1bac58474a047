from __future__ import annotations

import pytest

from ronda.planning.demo import load_demo
from ronda.planning.models import (
    Evidence,
    Finding,
    ImprovementOpportunity,
    LocalPlan,
    Measure,
    PlanChange,
    PlanStatus,
    ProgressUpdate,
    SituationAnalysis,
    Workshop,
)
from ronda.portal.demo import load_demo as load_core_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_diagnosis_and_approved_plans_idempotently() -> None:
    load_core_demo()
    load_demo()
    counts = [
        m.objects.count()
        for m in (
            SituationAnalysis,
            Finding,
            Workshop,
            ImprovementOpportunity,
            LocalPlan,
            Measure,
            PlanChange,
            ProgressUpdate,
        )
    ]
    load_demo()
    assert counts == [
        m.objects.count()
        for m in (
            SituationAnalysis,
            Finding,
            Workshop,
            ImprovementOpportunity,
            LocalPlan,
            Measure,
            PlanChange,
            ProgressUpdate,
        )
    ]
    for code in ("EC-1101", "CR-101"):
        plan = LocalPlan.objects.get(org_unit__code=code)
        assert plan.status == PlanStatus.IN_EXECUTION
        assert plan.approved_on and plan.approved_by and plan.approval_reference
        analysis = SituationAnalysis.objects.get(org_unit__code=code)
        assert set(analysis.findings.values_list("goal_area", flat=True)) == {
            "equity",
            "participation",
            "services",
            "environment",
            "family",
        }
        assert analysis.workshops.count() == 2
        assert all(w.children_total > 0 for w in analysis.workshops.all())
        assert analysis.opportunities.count() == 8
        assert plan.lines.count() >= 4
        measures = plan.measures.all()
        assert measures.count() >= 20
        assert measures.values("responsible_area").distinct().count() >= 6
        assert plan.changes.count() == 2
        assert ProgressUpdate.objects.filter(measure__plan=plan).count() > 100
        assert all(m.budgets.exists() and m.indicators.exists() and m.milestones.exists() for m in measures)
    loja = LocalPlan.objects.get(org_unit__code="EC-1101")
    assert loja.measures.filter(responsible_area__name="Salud").count() >= 3
    assert Evidence.objects.filter(update__measure__plan=loja).count() == 2


def test_demo_pages_render_for_coordinator_and_focal_point(client) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from ronda.testing import login

    load_core_demo()
    load_demo()
    plan = LocalPlan.objects.get(org_unit__code="EC-1101")
    analysis = plan.situation_analysis
    assert analysis is not None
    users = get_user_model().objects
    login(client, users.get(username="coord.loja"))
    assert client.get(reverse("planning:home")).url == reverse("planning:plan_detail", args=[plan.pk])
    measure = plan.measures.filter(responsible_area__name="Salud").first()
    opportunity = analysis.opportunities.first()
    for url in [
        reverse("planning:plan_detail", args=[plan.pk]),
        reverse("planning:plan_list"),
        reverse("planning:analysis_detail", args=[analysis.pk]),
        reverse("planning:prioritisation", args=[analysis.pk]),
        reverse("planning:opportunity_detail", args=[opportunity.pk]),
        reverse("planning:measure_detail", args=[measure.pk]),
        reverse("planning:measure_edit", args=[measure.pk]),
        reverse("planning:my_measures"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert "Concejo Municipal" in page and "<progress" in page

    client.logout()
    login(client, users.get(username="focal.loja"))
    assert client.get(reverse("planning:home")).url == reverse("planning:my_measures")
    mine = client.get(reverse("planning:my_measures"))
    assert mine.status_code == 200
    listed = list(mine.context["page"])
    assert len(listed) >= 3 and all(m.responsible_area.name == "Salud" for m in listed)
    assert client.get(reverse("planning:progress_create", args=[measure.pk])).status_code == 200
    # focal.loja sits on the coordination body: the whole plan, read only (issue #13).
    assert client.get(reverse("planning:plan_detail", args=[plan.pk])).status_code == 200
