"""Who may call what on the booking API: a pure table, tested exhaustively."""

from __future__ import annotations

from enum import StrEnum


class ApiRole(StrEnum):
    ADMIN = "admin"  # IT administrator: everything, including the registry
    CLERK = "clerk"  # court clerk / scheduler: cases, hearings, notices
    JUDGE = "judge"  # reads the list; runs hearings through signalling
    INTEGRATION = "integration"  # the case management system: imports cases, reads records


class Action(StrEnum):
    READ_REGISTRY = "read_registry"
    EDIT_REGISTRY = "edit_registry"
    READ_CASES = "read_cases"
    EDIT_CASES = "edit_cases"
    IMPORT_CASES = "import_cases"
    READ_HEARINGS = "read_hearings"
    EDIT_HEARINGS = "edit_hearings"
    MANAGE_TOKENS = "manage_tokens"
    READ_RECORDINGS = "read_recordings"  # list and download hearing recordings


ALL_ROLES = frozenset(ApiRole)

PERMISSIONS: dict[Action, frozenset[ApiRole]] = {
    Action.READ_REGISTRY: ALL_ROLES,
    Action.EDIT_REGISTRY: frozenset({ApiRole.ADMIN}),
    Action.READ_CASES: ALL_ROLES,
    Action.EDIT_CASES: frozenset({ApiRole.ADMIN, ApiRole.CLERK}),
    Action.IMPORT_CASES: frozenset({ApiRole.ADMIN, ApiRole.CLERK, ApiRole.INTEGRATION}),
    Action.READ_HEARINGS: ALL_ROLES,
    Action.EDIT_HEARINGS: frozenset({ApiRole.ADMIN, ApiRole.CLERK}),
    Action.MANAGE_TOKENS: frozenset({ApiRole.ADMIN}),
    # Court staff only: never a party (parties have links, not tokens) nor an integration.
    Action.READ_RECORDINGS: frozenset({ApiRole.ADMIN, ApiRole.CLERK, ApiRole.JUDGE}),
}


def may(role: ApiRole, action: Action) -> bool:
    return role in PERMISSIONS[action]
