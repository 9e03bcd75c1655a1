"""Identity at intake and at expression of interest (issue 5): it flags; a person decides.

Each person recorded is written to the store's identity index and checked against every record indexed before,
in the transaction that records them. Candidates above the model's threshold become identity flags, each with the
model version, the match weight and every field's contribution. Nothing else changes until a person decides a flag
(`decide_identity_match`); the decision is an action on the case, and a confirmed link drives eligibility
(rules 11 and 16, see `parity.domain.identity_links`).

The resolver keeps its register in memory, filled from the store's index on first use and then, before each check,
given the index records committed since it last read (by any process: the index numbers its records in commit
order), and rid of those anonymised under retention since (numbered again when anonymised). A record added in a
transaction that later rolls back stays in memory; it is never flagged, because candidates are confirmed against
the store first, and a candidate anonymised there is not flagged either.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parity.domain.admissions import ADMISSION_TRANSITIONS
from parity.domain.identity_links import (
    DECIDE_IDENTITY_MATCH,
    FlagDecision,
    IdentityFlag,
    LinkConsequence,
    LinkedRecord,
    RecordSource,
    confirmed_link_consequences,
)
from parity.domain.lifecycle import Action
from parity.domain.people import IdentityClaim
from parity.domain.returns import RETURN_TRANSITIONS
from parity.identity.port import IdentityResolver, NullIdentityResolver
from parity.identity.records import IdentityRecord
from parity.services.audit import append
from parity.services.context import Services, run_command, scheme_ref
from parity.services.ports import DecidedWeights, IndexedPerson, UnitOfWork

# Records handed to the resolver at a time while it is filled from the store.
_WARM_BATCH = 10_000
# Two checks at the same moment must not both read the same new records into the register.
_catching_up = threading.Lock()


@dataclass(frozen=True)
class PersonToCheck:
    record_id: str  # the arriving person's id, or the admission member's id
    case_id: str
    identity: IdentityClaim


def identity_record(record_id: str, claim: IdentityClaim) -> IdentityRecord:
    """What the matcher compares, from a recorded identity (the first document, when there are several)."""
    document = claim.documents[0].number if claim.documents else None
    return IdentityRecord(
        record_id=record_id,
        given_names=claim.given_names,
        family_name=claim.family_name,
        date_of_birth=claim.date_of_birth,
        nationality=claim.nationality,
        sex=claim.sex.value,
        document_number=document,
        biometric_id=claim.biometric_ref,
    )


def _caught_up_resolver(services: Services, uow: UnitOfWork) -> IdentityResolver:
    """The resolver, its register first given every index change committed since it last read the index: on the
    first check of the process that is the whole index, later only what other processes (another API worker, a
    CLI import, retention) have committed meanwhile, and this process's own records again (the resolver refuses
    repeats). Records anonymised meanwhile are removed from the register."""
    if isinstance(services.identity, NullIdentityResolver):
        return services.identity  # nothing to keep up to date
    with _catching_up:
        added: list[IdentityRecord] = []
        removed: list[str] = []
        read_to = services.identity_read_to
        for sequence, record_id, person in uow.identity.indexed_after(read_to):
            if person is None:
                removed.append(record_id)
            else:
                added.append(person.record)
            read_to = sequence
            # A record appears once, at its latest number, so additions and removals need not be applied in order.
            if len(added) == _WARM_BATCH:
                services.identity.add(added)
                added = []
            if len(removed) == _WARM_BATCH:
                services.identity.remove(removed)
                removed = []
        services.identity.add(added)
        services.identity.remove(removed)
        services.identity_read_to = read_to
    return services.identity


def index_and_check(
    services: Services, uow: UnitOfWork, source: RecordSource, people: Sequence[PersonToCheck], now: datetime
) -> dict[str, list[str]]:
    """Index ``people`` and flag the earlier records that may be the same person; the flag ids of each record.

    People recorded together (one boat, one family) are checked against the register before any of them is added
    to it: they are different people.
    """
    resolver = _caught_up_resolver(services, uow)
    indexed = [IndexedPerson(source, p.case_id, identity_record(p.record_id, p.identity)) for p in people]
    checks = resolver.check_all([person.record for person in indexed])
    # Confirmed against the store: the register may hold a record that was rolled back, or one anonymised
    # under retention that this process has not yet heard of (another process may have anonymised it just now).
    known = uow.identity.located({c.record_id for check in checks for c in check.flagged}, include_anonymised=False)
    flags = [
        IdentityFlag(
            id=services.new_id(),
            record_id=check.record_id,
            candidate_record_id=candidate.record_id,
            model_version=check.model_version,
            match_weight=candidate.match_weight,
            match_probability=candidate.match_probability,
            basis=candidate.decided_by,
            contributions=candidate.contributions,
            levels=candidate.levels,
            raised_at=now,
        )
        for check in checks
        for candidate in check.flagged
        if candidate.record_id in known
    ]
    uow.identity.add_people(indexed, now)
    uow.identity.add_flags(flags)
    resolver.add([person.record for person in indexed])
    flag_ids: dict[str, list[str]] = {p.record_id: [] for p in people}
    for flag in flags:
        flag_ids[flag.record_id].append(flag.id)
    return flag_ids


@dataclass(frozen=True)
class DecideIdentityMatch:
    command_id: str
    flag_id: str
    actor: str
    same_person: bool
    reason: str


def decide_identity_match(services: Services, command: DecideIdentityMatch) -> Mapping[str, Any]:
    """A person's answer to an identity flag, recorded on the case of the flagged record with the model version.

    "Same person" with a previous returnee flags the new return case for expedited return (rule 11); "same
    person" between an admission applicant and a small-boat arrival excludes the applicant (rule 16). "Not the
    same person" changes no eligibility. A case already closed takes no new action: the decision is then kept on
    the flag alone, and the result says so.
    """

    def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        now = services.clock.now()
        flag = uow.identity.flag(command.flag_id)
        decided = flag.decided(
            FlagDecision(command.same_person, command.actor, command.reason, now, command.command_id)
        )
        located = uow.identity.located({flag.record_id, flag.candidate_record_id})
        record, candidate = located[flag.record_id], located[flag.candidate_record_id]
        evidence = {"flag_id": flag.id, "model_version": flag.model_version}
        decision = LinkConsequence(
            record.source,
            record.case_id,
            DECIDE_IDENTITY_MATCH,
            {
                **evidence,
                "record_id": flag.record_id,
                "candidate_record_id": flag.candidate_record_id,
                "same_person": command.same_person,
                "reason": command.reason,
                "match_weight": flag.match_weight,
            },
        )
        consequences = confirmed_link_consequences(record, candidate) if command.same_person else []
        steps = [
            decision,
            *(LinkConsequence(c.source, c.case_id, c.action, {**c.payload, **evidence}) for c in consequences),
        ]
        outcomes = [
            _apply(services, uow, step, actor=command.actor, action_id=f"{command.command_id}:{n}", now=now)
            for n, step in enumerate(steps)
        ]
        uow.identity.save_decision(decided)
        return {
            "flag_id": flag.id,
            "status": decided.status.value,
            "model_version": flag.model_version,
            "cases": outcomes,
        }

    request = {"flag_id": command.flag_id, "same_person": command.same_person, "reason": command.reason}
    return run_command(services, command.command_id, "decide_identity_match", request, handle)


def _apply(
    services: Services, uow: UnitOfWork, step: LinkConsequence, *, actor: str, action_id: str, now: datetime
) -> dict[str, Any]:
    """Record one action on its case, unless the case is closed (then say so)."""
    if step.source is RecordSource.ARRIVAL:
        scheme = services.scheme(uow.returns.scheme_of(step.case_id))
        return_case = uow.returns.get(step.case_id)
        if step.action not in RETURN_TRANSITIONS.allowed(return_case.status):
            return _not_recorded(step, return_case.status.value)
        return_case.record(Action(step.action, now, actor, action_id, scheme_ref(scheme), step.payload), scheme)
        uow.returns.save(return_case)
        return {
            **_recorded(step, return_case.status.value, return_case.version),
            "expedited": return_case.expedited_return,
        }
    scheme = services.scheme(uow.admissions.scheme_of(step.case_id))
    admission = uow.admissions.get(step.case_id)
    if step.action not in ADMISSION_TRANSITIONS.allowed(admission.status):
        return _not_recorded(step, admission.status.value)
    admission.record(Action(step.action, now, actor, action_id, scheme_ref(scheme), step.payload), scheme)
    uow.admissions.save(admission)
    return _recorded(step, admission.status.value, admission.version)


def _recorded(step: LinkConsequence, status: str, version: int) -> dict[str, Any]:
    return {"case_id": step.case_id, "action": step.action, "recorded": True, "status": status, "version": version}


def _not_recorded(step: LinkConsequence, status: str) -> dict[str, Any]:
    return {"case_id": step.case_id, "action": step.action, "recorded": False, "status": status}


def identity_flags(services: Services, case_id: str) -> list[IdentityFlag]:
    """The identity flags raised for a case's people, pending and decided, oldest first."""
    with services.uow() as uow:
        return uow.identity.flags_for_case(case_id)


# The audit log's name for the read of decided flags that a refit of the probability shown makes.
READ_DECISIONS_FOR_CALIBRATION = "read_identity_decisions_for_calibration"


def decisions_for_calibration(
    services: Services, model_versions: Collection[str], *, since: datetime | None = None
) -> DecidedWeights:
    """The decided flags a refit of the probability shown learns from: those raised under one of
    ``model_versions`` (the caller names the versions that share the current model's weights and threshold,
    ``IdentityModel.versions_with_these_weights``) and decided by a person on the match weight, as (weight, same
    person) pairs; flags decided by fingerprints are left out, since the weight did not decide them.

    The read is audited in the same transaction. It holds no personal data, so the entry names no record: who read,
    when, from where, and what (the action's name).
    """
    with services.uow() as uow:
        decided = uow.identity.decided_weights(model_versions, since=since)
        append(uow, services.audit, services.clock.now(), READ_DECISIONS_FOR_CALIBRATION, record_ids=(), outcome="read")
        uow.commit()
    return decided


@dataclass(frozen=True)
class FlaggedPair:
    """A flag with the two records it links, each with its case."""

    flag: IdentityFlag
    record: LinkedRecord
    candidate: LinkedRecord


@dataclass(frozen=True)
class FlagEvidence:
    """What a person deciding a flag compares: both records as indexed (None once anonymised under retention)."""

    pair: FlaggedPair
    record_person: IdentityRecord | None
    candidate_person: IdentityRecord | None


def pending_identity_flags(services: Services, limit: int) -> list[FlaggedPair]:
    """Flags awaiting a decision, oldest first: a flag on an arrival waits while the readmission request's 14 days
    run (rule 5). Among flags raised together, the strongest match comes first."""
    with services.uow() as uow:
        return _flagged_pairs(uow, uow.identity.pending_flags(limit))


def case_flagged_pairs(services: Services, case_id: str) -> list[FlaggedPair]:
    """A case's flags, pending and decided, oldest first, each with the two records it links."""
    with services.uow() as uow:
        return _flagged_pairs(uow, uow.identity.flags_for_case(case_id))


def _flagged_pairs(uow: UnitOfWork, flags: list[IdentityFlag]) -> list[FlaggedPair]:
    located = uow.identity.located({r for f in flags for r in (f.record_id, f.candidate_record_id)})
    return [FlaggedPair(f, located[f.record_id], located[f.candidate_record_id]) for f in flags]


def identity_flag_evidence(services: Services, flag_id: str) -> FlagEvidence:
    """One flag, pending or decided, with both records side by side (personal data: the caller audits the read)."""
    with services.uow() as uow:
        flag = uow.identity.flag(flag_id)
        ids = {flag.record_id, flag.candidate_record_id}
        located, people = uow.identity.located(ids), uow.identity.people(ids)
    pair = FlaggedPair(flag, located[flag.record_id], located[flag.candidate_record_id])

    def person(record_id: str) -> IdentityRecord | None:
        found = people.get(record_id)
        return None if found is None else found.record

    return FlagEvidence(pair, person(flag.record_id), person(flag.candidate_record_id))
