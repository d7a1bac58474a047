"""Background jobs that act for a person: enqueued on commit, run by a worker as that person again.

Ronda's jobs run on django-tasks (decision 0016): a job is a row of the database backend's table,
and ``manage.py db_worker`` processes, on any number of machines, claim and run them. This module
is the small kernel every domain's job goes through, so that a job can never do more than the
request that asked for it:

- **The job carries ids, never an actor.** ``enqueue_on_commit(job, actor, …)`` stores the user's
  id, the membership's id and whether the request had proved the second factor (``ActorRef``),
  as JSON. No pickled object, no role, no scope: those are read again when the job runs.
- **The worker rebuilds the actor** through the loader named by ``settings.RONDA_JOB_ACTOR_LOADER``
  (the accounts app's, which picks the membership the way the sign-in middleware does, but only
  the exact one the job names). Core knows no app: it only imports that function by its path.
- **The job's code asks its policy again**, with that actor: a ``PermissionDenied`` or ``Http404``
  raised by the job counts as a refusal.
- **It fails closed.** A user who was deactivated or deleted, or a membership that ended or now
  belongs to nobody, refuses the job before its code runs: it is logged (ids only, no personal
  data), the job's ``on_refused`` hook may mark the domain's own row as failed, and the task ends
  FAILED with ``JobRefused``. It is never run as ``SYSTEM`` instead.
- **It is enqueued on commit** (``transaction.on_commit``): a rolled-back request enqueues
  nothing, and a worker never sees a job whose rows are not committed yet.

Write a job as::

    @person_job(on_refused=mark_failed)
    def render_thing(actor: Actor, thing_id: int) -> None:
        thing = get_object_or_404_scoped(policies.visible_things(actor), pk=thing_id)  # asks again
        ...

    jobs.enqueue_on_commit(render_thing, actor, thing.pk)   # in the service, inside its transaction

Arguments after the actor must be JSON values (ids, short strings), never model instances.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task

from ronda.core.tenancy import Acting, Actor, is_person

logger = logging.getLogger("ronda.jobs")

P = ParamSpec("P")
T = TypeVar("T")

# What a job function receives first (the JSON form of ActorRef), and what the loader returns.
ActorPayload = dict[str, Any]
ActorLoader = Callable[..., Actor | None]


class JobRefused(Exception):
    """The job's person may not (or no longer) do what it asks: nothing was done."""


@dataclass(frozen=True)
class ActorRef:
    """Who a job acts for, as plain ids: what a worker needs to rebuild the actor, and nothing more."""

    user_id: int
    membership_id: int
    # Whether the request that asked for the job had proved the second factor. A job is a
    # continuation of that request; it never gains a factor the request did not have.
    second_factor: bool = False

    @classmethod
    def of(cls, actor: Acting) -> ActorRef:
        if not is_person(actor):  # raises TypeError for None
            raise TypeError("a person's job needs a person: Ronda's own work is a plain task, not a person_job")
        if actor.membership is None:
            raise PermissionDenied("an actor without a membership may not start a job")
        return cls(user_id=actor.user.pk, membership_id=actor.membership.pk, second_factor=actor.second_factor)

    def as_payload(self) -> ActorPayload:
        return {"user": self.user_id, "membership": self.membership_id, "second_factor": self.second_factor}

    @classmethod
    def from_payload(cls, payload: object) -> ActorRef:
        if not isinstance(payload, dict):
            raise JobRefused("the job names no person")
        user, membership = payload.get("user"), payload.get("membership")
        # bool is an int in Python: refuse it too, so that "user": true can never name user 1.
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (user, membership)):
            raise JobRefused("the job names no person")
        assert isinstance(user, int) and isinstance(membership, int)
        return cls(user_id=user, membership_id=membership, second_factor=payload.get("second_factor") is True)


def _loader() -> ActorLoader:
    path = getattr(settings, "RONDA_JOB_ACTOR_LOADER", "")
    if not path:
        raise ImproperlyConfigured("RONDA_JOB_ACTOR_LOADER must name the function that rebuilds a job's actor")
    loader: ActorLoader = import_string(path)
    return loader


def rebuild_actor(ref: ActorRef) -> Actor:
    """The actor a job acts as, read again now; ``JobRefused`` when that person may no longer act."""
    actor = _loader()(user_id=ref.user_id, membership_id=ref.membership_id, second_factor=ref.second_factor)
    if actor is None or actor.membership is None:
        raise JobRefused("the user or the membership is no longer active")
    if actor.user.pk != ref.user_id or actor.membership.pk != ref.membership_id:
        raise JobRefused("the loader returned another person")  # a loader bug must not run as someone else
    return actor


def _refuse(name: str, ref: ActorRef | None, reason: str) -> None:
    # Ids only: the log is not the place for names, and the ids are enough to find the person.
    logger.warning(
        "job %s refused: %s (user %s, membership %s)",
        name,
        reason,
        ref.user_id if ref else "-",
        ref.membership_id if ref else "-",
    )


def person_job(
    function: Callable[Concatenate[Actor, P], T] | None = None,
    *,
    on_refused: Callable[P, None] | None = None,
    queue_name: str = "default",
    priority: int = 0,
) -> Any:
    """Make a django-tasks task of ``function(actor, *args)`` that runs as its person, or not at all.

    ``on_refused(*args)`` is called (without an actor) when the person may no longer act or the
    job's own policy check refused; use it to mark the domain's row as failed. It must not raise.
    """

    def decorate(func: Callable[Concatenate[Actor, P], T]) -> Task[Concatenate[ActorPayload, P], T]:
        name = f"{func.__module__}.{func.__qualname__}"

        # Same module and name as ``func``: the task is found again by the path the worker stores.
        @functools.wraps(func)
        def run(actor_payload: ActorPayload, *args: P.args, **kwargs: P.kwargs) -> T:
            ref: ActorRef | None = None
            try:
                ref = ActorRef.from_payload(actor_payload)
                actor = rebuild_actor(ref)
                return func(actor, *args, **kwargs)
            except (JobRefused, PermissionDenied, Http404) as exc:
                _refuse(name, ref, str(exc) or type(exc).__name__)
                if on_refused is not None:
                    try:
                        on_refused(*args, **kwargs)
                    except Exception:
                        logger.exception("job %s: on_refused failed", name)
                raise JobRefused(f"{name} refused") from exc

        made: Task[Concatenate[ActorPayload, P], T] = task(queue_name=queue_name, priority=priority)(run)
        return made

    if function is not None:
        return decorate(function)
    return decorate


def enqueue_on_commit(
    job: Task[Concatenate[ActorPayload, P], Any], actor: Acting, *args: P.args, **kwargs: P.kwargs
) -> None:
    """Enqueue ``job`` for ``actor`` when the current transaction commits (at once outside one).

    A rollback enqueues nothing. The actor is reduced to ids here, in the request, so a mistake
    (``None``, ``SYSTEM``, no membership) fails where it was made, not later in a worker.
    """
    payload = ActorRef.of(actor).as_payload()
    transaction.on_commit(functools.partial(job.enqueue, payload, *args, **kwargs))
