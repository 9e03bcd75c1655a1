"""Database tables (SQLAlchemy Core). Portable types only, so the same schema runs on SQLite and PostgreSQL.

Case histories are append-only: `return_actions` and `admission_actions` rows are inserted, never updated, except
for the encrypted free text of their payloads (re-encrypted by a key rotation, replaced under retention). The
case rows keep a denormalised status for queries and a version for optimistic concurrency.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

schemes = Table(
    "schemes",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("version", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("content", JSON, nullable=False),
    Column("first_used_at", UtcDateTime, nullable=False),
)

arrivals = Table(
    "arrivals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("boat_ref", String(64), nullable=False),
    Column("arrived_at", UtcDateTime, nullable=False),
    Column("place", String(200), nullable=False),
    Column("scheme_id", String(64), nullable=False),
    # A boat reference names one boat in a scheme (`SB-2025-09-01-03`): recording it again would open every case
    # twice. Intake refuses it first, by name; this is the backstop (migration 0009).
    Index("uq_arrivals_scheme_id_boat_ref", "scheme_id", "boat_ref", unique=True),
)


def _personal_data_columns() -> list[Column[Any]]:
    """A person's identity as stored (issue 3 item 5): names, date of birth (ISO text), documents (JSON text) and
    biometric reference are AES-GCM ciphertexts written and read only through `parity.store.protected`; NULL once
    anonymised under the scheme's retention period (`anonymised_at`). Blind indexes allow exact lookups."""
    return [
        Column("given_names", Text),
        Column("family_name", Text),
        Column("date_of_birth", Text),
        Column("nationality", String(3), nullable=False),
        Column("sex", String(1), nullable=False),
        Column("documents", Text),
        Column("biometric_ref", Text),
        Column("name_index", String(64), index=True),  # HMAC of family name + date of birth
        Column("document_index", String(64), index=True),  # HMAC of the first document's number
        Column("anonymised_at", UtcDateTime),
    ]


people = Table(
    "people",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("arrival_id", String(36), ForeignKey("arrivals.id"), nullable=False, index=True),
    *_personal_data_columns(),
    Column("age_status", String(32), nullable=False),
    Column("grounds", JSON, nullable=False),
    Column("departed_from", String(3)),
    Column("transit_evidence", Text),  # ciphertext: free text from interviews
    Column("family_group", String(64)),
)


def _action_table(name: str, case_table: str) -> Table:
    return Table(
        name,
        metadata,
        Column("case_id", String(36), ForeignKey(f"{case_table}.id"), primary_key=True),
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("kind", String(64), nullable=False),
        Column("at", UtcDateTime, nullable=False),
        Column("actor", String(128), nullable=False),
        Column("command_id", String(128), nullable=False, unique=True),
        Column("scheme_id", String(64), nullable=False),
        Column("scheme_version", String(64), nullable=False),
        Column("payload", JSON, nullable=False),
        # Retention finds identity answers, and bookings are counted, by the kind of action.
        Index(f"ix_{name}_kind", "kind"),
    )


return_cases = Table(
    "return_cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(36), ForeignKey("people.id"), nullable=False, unique=True),
    Column("arrival_id", String(36), ForeignKey("arrivals.id"), nullable=False),
    Column("scheme_id", String(64), nullable=False),
    Column("arrived_at", UtcDateTime, nullable=False),
    Column("nationality", String(3), nullable=False),
    Column("family_group", String(64)),
    Column("status", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_return_cases_scheme_status", "scheme_id", "status"),
)
return_actions = _action_table("return_actions", "return_cases")

admission_cases = Table(
    "admission_cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("family_ref", String(64), nullable=False, unique=True),
    Column("scheme_id", String(64), nullable=False),
    Column("window_id", String(64), nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("status", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_admission_cases_scheme_status", "scheme_id", "status"),
)

admission_members = Table(
    "admission_members",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", String(36), ForeignKey("admission_cases.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    *_personal_data_columns(),
    Column("is_main_applicant", Boolean, nullable=False),
    Column("exclusions", JSON, nullable=False),
    UniqueConstraint("case_id", "position"),
)
admission_actions = _action_table("admission_actions", "admission_cases")

ledgers = Table(
    "ledgers",
    metadata,
    Column("scheme_id", String(64), primary_key=True),
    Column("returned", Integer, nullable=False),
    Column("admitted", Integer, nullable=False),
    Column("committed", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

ledger_weeks = Table(
    "ledger_weeks",
    metadata,
    Column("scheme_id", String(64), ForeignKey("ledgers.scheme_id"), primary_key=True),
    Column("week_start", Date, primary_key=True),
    Column("returned", Integer, nullable=False),
    Column("clearances_issued", Integer, nullable=False),
    Column("admitted", Integer, nullable=False),
    Column("clearances_released", Integer, nullable=False, server_default="0"),
)

processed_commands = Table(
    "processed_commands",
    metadata,
    Column("command_id", String(128), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("result", JSON, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    # Retention and key rotation find the results that repeat free text by the command's name.
    Index("ix_processed_commands_name", "name"),
)

# Notices of suspension, termination or resumption of a scheme (rule 24): appended, never changed.
scheme_notices = Table(
    "scheme_notices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("scheme_id", String(64), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("given_by", String(3), nullable=False),
    Column("given_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("scheme_version", String(64), nullable=False),
)

# The Joint Committee's sign-off of a week (rule 21): the week's report as it stood, written once, never changed.
# One row per week: the primary key refuses a second sign-off of the same week, even from a concurrent request.
committee_sign_offs = Table(
    "committee_sign_offs",
    metadata,
    Column("scheme_id", String(64), primary_key=True),
    Column("week_start", Date, primary_key=True),
    Column("signed_at", UtcDateTime, nullable=False),
    Column("signed_by", String(128), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("scheme_version", String(64), nullable=False),
    Column("report", JSON, nullable=False),
)


# --- Admissions selection (issue 7): proposals of families to invite, approved by a person other than the proposer.
# `explanation` is the optimiser's proposal (chosen families by factor, passed-over ones and why); `inputs` is the
# selection request it was made from. Both are JSON, written once; only status and approval change, once.
selection_proposals = Table(
    "selection_proposals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("scheme_id", String(64), nullable=False),
    Column("scheme_version", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("method", String(16), nullable=False),
    Column("inputs_hash", String(64), nullable=False),
    Column("solver_status", String(64), nullable=False),
    Column("objective", Float, nullable=False),
    Column("places", Integer, nullable=False),
    Column("places_filled", Integer, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("window_id", String(64)),
    Column("explanation", JSON, nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("proposed_by", String(128), nullable=False),
    Column("proposed_at", UtcDateTime, nullable=False),
    Column("superseded_by", String(36)),
    Column("approved_by", String(128)),
    Column("approved_at", UtcDateTime),
    Column("approval", JSON),  # removed, added, reason, invited (case ids)
    Index("ix_selection_proposals_scheme_status", "scheme_id", "status"),
)


# --- Identity resolution (issue 5): the identity index, one row per person record from arrivals and admission
# applications with what matching needs, written in the same transaction as the record; and identity flags, the
# candidate matches the live check found above the model's threshold, pending until a person decides.
# Personal data: identity_records.given_names, family_name, date_of_birth, document_number, biometric_ref (with
# nationality and sex as quasi-identifiers).
identity_records = Table(
    "identity_records",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("source", String(16), nullable=False),
    Column("case_id", String(36), nullable=False, index=True),
    # Ciphertexts (issue 3 item 5, `parity.store.protected`); names NULL once anonymised under retention.
    Column("given_names", Text),
    Column("family_name", Text),
    Column("date_of_birth", Text),
    Column("nationality", String(3), nullable=False),
    Column("sex", String(1), nullable=False),
    Column("document_number", Text),
    Column("biometric_ref", Text),
    Column("indexed_at", UtcDateTime, nullable=False),
    # Numbered in commit order (from identity_index_head), and numbered again when anonymised: a process reads what
    # it has not seen yet, additions and removals alike.
    Column("sequence", BigInteger, nullable=False, unique=True, index=True),
)

# One row: the last number given to an identity_records row. Writers lock it, so numbers follow commit order.
identity_index_head = Table(
    "identity_index_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("sequence", BigInteger, nullable=False),
)

identity_flags = Table(
    "identity_flags",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("record_id", String(36), ForeignKey("identity_records.record_id"), nullable=False),
    Column("candidate_record_id", String(36), ForeignKey("identity_records.record_id"), nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("basis", String(16), nullable=False),
    Column("contributions", JSON, nullable=False),
    Column("levels", JSON, nullable=False),
    Column("raised_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(128)),
    Column("decided_at", UtcDateTime),
    Column("decision_reason", Text),
    Column("decision_command_id", String(128)),
    UniqueConstraint("record_id", "candidate_record_id"),
    Index("ix_identity_flags_status", "status"),
)


# --- Accounts, decision approvals and the audit log (issue 3). Sessions and tokens are stored as SHA-256 hashes
# only; the TOTP secret is to be encrypted at rest with the personal-data work (issue 3 item 5).
users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("totp_secret", Text),  # AES-GCM ciphertext (store/protected.py)
    Column("totp_last_step", Integer),
    Column("disabled", Boolean, nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
)

user_sessions = Table(
    "user_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", String(36), ForeignKey("users.id"), nullable=False, index=True),
    Column("label", String(100), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

# A removal or admission decision proposed by one person and approved or rejected by another (separation of duties).
decision_proposals = Table(
    "decision_proposals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_type", String(16), nullable=False),
    Column("case_id", String(36), nullable=False, index=True),
    Column("action", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("case_version", Integer, nullable=False),
    Column("proposed_by", String(128), nullable=False),
    Column("proposed_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(128)),
    Column("decided_at", UtcDateTime),
    Index("ix_decision_proposals_type_status", "case_type", "status"),
)

# The audit hash chain: rows are inserted, never updated or deleted (triggers refuse both; see migration 0004).
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(128), nullable=False),
    Column("record_ids", JSON, nullable=False),
    Column("origin", String(128), nullable=False),
    Column("outcome", String(128), nullable=False),
    Column("command_id", String(128)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entry_hash", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

# One row: the chain's last position and hash. Appenders lock it, so entries are numbered without gaps or races.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
