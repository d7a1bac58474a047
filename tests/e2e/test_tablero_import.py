"""The coordinator of Loja imports a CSV of values: the page follows the check with a progress bar,
shows the report, and applies it (issue #10 item 4).

The jobs are held by django-tasks' dummy backend, and the test does their work itself, so that the page can
be seen while the file is waiting and while it is being checked (a real worker does the same).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ronda-demo-2026"


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("demo", verbosity=0)


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/cuentas/entrar/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server.url}/")


def run_job(step: str, import_id: int) -> None:
    """What ``db_worker`` would do with the job the dummy backend held (it keeps it in the server's thread)."""
    from ronda.accounts.models import User
    from ronda.accounts.selectors import active_memberships
    from ronda.core.tenancy import actor_for
    from ronda.tablero import imports

    user = User.objects.get(username="coord.loja")
    actor = actor_for(user, active_memberships(user)[0])
    getattr(imports, step)(actor=actor, import_id=import_id)


def test_coordinator_imports_a_file_watches_the_progress_and_applies_it(
    page: Any, live_server: Any, demo: None
) -> None:
    from ronda.core.tenancy import SYSTEM
    from ronda.tablero import services
    from ronda.tablero.models import AggregationType, DataValue, ImportStatus, ValueImport, ValueType
    from ronda.territory.models import OrgUnit

    loja = OrgUnit.objects.get(code="EC-1101")
    country = OrgUnit.objects.get(path=loja.path[:9])
    element = services.create_data_element(
        actor=SYSTEM,
        owner=country,
        code="E2E_ATENDIDOS",
        name="Atenciones de prueba",
        value_type=ValueType.INTEGER_ZERO_OR_POSITIVE,
        aggregation_type=AggregationType.SUM,
    )
    csv_text = "data_element,option_combo,org_unit,period,value,comment\n" + "".join(
        f"E2E_ATENDIDOS,,EC-1101,2024{month:02d},{month * 10},\n" for month in range(1, 4)
    )

    sign_in(page, live_server, "coord.loja")
    page.goto(f"{live_server.url}/tablero/importar/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "valores.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/tablero/importar/\d+/$"))
    value_import = ValueImport.objects.get()
    assert value_import.status == ImportStatus.QUEUED

    progress = page.locator("#import-progress")
    expect(progress).to_be_visible()
    live = page.locator("#import-live")
    # The worker starts: a third of the rows checked. The page asks again by itself.
    ValueImport.objects.filter(pk=value_import.pk).update(status=ImportStatus.CHECKING, total_rows=3, processed_rows=1)
    expect(progress).to_have_attribute("value", "1", timeout=10_000)
    expect(progress).to_have_attribute("max", "3")
    expect(live).to_contain_text(re.compile(r"1\D+3"))  # "1 de 3 filas revisadas"
    ValueImport.objects.filter(pk=value_import.pk).update(status=ImportStatus.QUEUED, processed_rows=0)
    run_job("check", value_import.pk)  # the check, to the end
    value_import.refresh_from_db()
    assert value_import.status == ImportStatus.CHECKED, value_import.report

    apply_button = page.locator("form[action$='/aplicar/'] button")
    expect(apply_button).to_be_visible(timeout=10_000)
    expect(progress).to_have_count(0)
    expect(page.locator("dl.figures dd").first).to_have_text("3")
    assert not DataValue.objects.filter(data_element=element).exists()

    apply_button.click()
    page.wait_for_url(re.compile(r".*/tablero/importar/\d+/$"))
    run_job("apply", value_import.pk)
    expect(page.locator("form[action$='/aplicar/']")).to_have_count(0, timeout=10_000)
    assert sorted(v.value or 0 for v in DataValue.objects.filter(data_element=element)) == [10, 20, 30]
    value_import.refresh_from_db()
    assert value_import.status == ImportStatus.APPLIED
