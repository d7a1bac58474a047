"""A refused button on the user page shows the service's message after the redirect, word for word."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def test_deactivating_oneself_is_refused_with_the_services_message(client: Client, world: World) -> None:
    admin = world.home["admin"]
    login(client, admin)
    response = client.post(reverse("accounts:user_detail", args=[admin.pk]), {"action": "deactivate"}, follow=True)
    with translation.override("es"):
        expected = gettext("You cannot deactivate your own account.")
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [("error", expected)]
    admin.refresh_from_db()
    assert admin.is_active
