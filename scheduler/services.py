"""The scheduling area's live services, kept on the app under one typed key."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from scheduler.jobs import JobContext
from scheduler.runner import JobRunner, Periodic


@dataclass
class SchedulingServices:
    ctx: JobContext
    runner: JobRunner | None = None
    extra_periodic: list[Periodic] = field(default_factory=list)

    def poke(self) -> None:
        if self.runner is not None:
            self.runner.poke()


SCHEDULING = web.AppKey("scheduling", SchedulingServices)


def periodic_jobs(services: SchedulingServices) -> list[Periodic]:
    return list(services.extra_periodic)
