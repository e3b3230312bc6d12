"""Synthetic demo data: a deterministic township office for demos, tests and benchmarks. No store access."""

from app.demo.office import (
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    PLACEHOLDER_ID,
    SUPERVISOR_LOGIN,
    SUPERVISOR_PASSWORD,
    WORKER_LOGINS,
    WORKER_PASSWORD,
    DemoOffice,
    DemoPerson,
    DemoStaff,
    generate_office,
    generate_staff,
    iter_people,
)

__all__ = [
    "ADMIN_LOGIN",
    "ADMIN_PASSWORD",
    "PLACEHOLDER_ID",
    "SUPERVISOR_LOGIN",
    "SUPERVISOR_PASSWORD",
    "WORKER_LOGINS",
    "WORKER_PASSWORD",
    "DemoOffice",
    "DemoPerson",
    "DemoStaff",
    "generate_office",
    "generate_staff",
    "iter_people",
]
