"""The actor of a background job, rebuilt in the worker (``settings.RONDA_JOB_ACTOR_LOADER``).

``core.jobs`` stores only ids in a job. This turns them back into an ``Actor`` the way
``middleware.ActiveMembershipMiddleware`` builds one for a page, with two differences that make a
job stricter than a page: the membership must be exactly the one the job names (a page falls back
to another active membership; a job refuses), and there is no request, so no IP address.
"""

from __future__ import annotations

from django.conf import settings

from ronda.accounts import selectors
from ronda.accounts.models import User
from ronda.core.roles import Role
from ronda.core.tenancy import Actor, actor_for


def actor_for_job(*, user_id: int, membership_id: int, second_factor: bool) -> Actor | None:
    """The job's actor, or None when the user or that membership can no longer act."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or (settings.PRODUCTION and user.is_demo):  # as accounts.backends refuses a session
        return None
    membership = next((m for m in selectors.active_memberships(user) if m.pk == membership_id), None)
    if membership is None:
        return None
    return actor_for(
        user,
        membership,
        None,
        second_factor=second_factor,
        # Read now, not when the job was asked for: a grant that has ended opens nothing.
        break_glass_paths=selectors.open_break_glass_paths(user) if membership.role == Role.ADMIN else (),
    )
