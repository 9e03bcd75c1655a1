"""Accounts policy: roles, the scopes each role holds, who needs a second factor, and the acting principal.

Pure: no I/O. Credential hashing lives in `parity.accounts.credentials`; storage and sign-in in
`parity.services.accounts`; the HTTP dependency that checks scopes in `parity.api.security`.
"""

from parity.accounts.roles import (
    ROLE_SCOPES,
    ROLES_NEEDING_TOTP,
    Principal,
    Role,
    Scope,
    needs_totp,
    parse_scopes,
)

__all__ = ["ROLES_NEEDING_TOTP", "ROLE_SCOPES", "Principal", "Role", "Scope", "needs_totp", "parse_scopes"]
