"""Identity flags in the browser (issue 5; brief §10 rules 11 and 16): the matcher only flags, a person decides.

The list shows the flags nobody has decided yet; each flag's page shows both records side by side, the match
weight and what each field contributed, and asks "same person or not", with a reason. The decision goes through
`decide_identity_match`, which records it on the case with the model version and audits it.

Only roles that read cases with their personal data see these pages (not the readmitting state's liaison officer:
treaty Art. 16), and only roles that act on both kinds of case decide, as a decision may change either.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from parity.accounts.roles import Principal, Scope
from parity.api.http import audit_read
from parity.api.problems import audit_refusal
from parity.api.security import require
from parity.domain.errors import DomainError
from parity.services.context import Services
from parity.services.identity import (
    DecideIdentityMatch,
    decide_identity_match,
    identity_flag_evidence,
    pending_identity_flags,
)
from parity.web.casework import may_see
from parity.web.forms import FormErrors, form_command_id
from parity.web.i18n import translations
from parity.web.pages import PageRoute, error_page, formats, language, render, service_zone

if TYPE_CHECKING:
    from parity.identity.model import IdentityModel

FLAGS_SHOWN = 50
REASON_LENGTH = 2000
DECISIONS = {"same_person": True, "not_same_person": False}
# What opening a flag page needs; a refused decision draws it again only for a principal who holds it too.
PAGE_NEEDS = (Scope.RETURNS_READ, Scope.ADMISSIONS_READ, Scope.PERSONAL_DATA_READ)
READ = [Depends(require(*PAGE_NEEDS))]
Deciding = Annotated[Principal, Depends(require(Scope.RETURNS_ACT, Scope.ADMISSIONS_ACT, Scope.PERSONAL_DATA_READ))]


def create_identity_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    @router.get("/identity-flags", name="identity_flags", dependencies=READ)
    def flags(request: Request) -> Response:
        pending = pending_identity_flags(services, FLAGS_SHOWN + 1)
        return render(
            request,
            "identity_flags.html",
            zone=service_zone(services),
            flags=pending[:FLAGS_SHOWN],
            more=len(pending) > FLAGS_SHOWN,
            decided=request.query_params.get("decided") == "1",
            active="identity",
        )

    @router.get("/identity-flags/{flag_id}", name="identity_flag", dependencies=READ)
    def flag(request: Request, flag_id: str) -> Response:
        return _flag_page(services, request, flag_id, FormErrors(), {})

    @router.post("/identity-flags/{flag_id}/decision", name="decide_identity_flag")
    async def decide(request: Request, flag_id: str, principal: Deciding) -> Response:
        form = await request.form()
        _ = translations(language(request)).gettext
        typed = {name: str(form.get(name, "")).strip() for name in ("decision", "reason", "command_key")}
        errors = FormErrors()
        if typed["decision"] not in DECISIONS:
            errors.add("decision", _("Choose whether the two records are the same person"))
        if not typed["reason"]:
            errors.add("reason", _("Enter why you decided this"))
        elif len(typed["reason"]) > REASON_LENGTH:
            errors.add("reason", _("The reason must be 2000 characters or fewer"))
        if not errors:
            key = form_command_id(principal, typed["command_key"])
            command = DecideIdentityMatch(
                key, flag_id, principal.user_id, DECISIONS[typed["decision"]], typed["reason"]
            )
            try:
                decide_identity_match(services, command)
            except DomainError as refused:
                await audit_refusal(request, 409, refused.code)
                reason = formats(request, service_zone(services)).message(refused.message)
                errors.add("decision", _("The decision was refused: %(reason)s") % {"reason": reason})
        if errors:
            if not may_see(request, PAGE_NEEDS):
                return error_page(request, 409)
            return _flag_page(services, request, flag_id, errors, typed, status_code=409)
        return RedirectResponse(request.url_for("identity_flags").path + "?decided=1", status_code=303)

    return router


class ProbabilityBasis(StrEnum):
    """How the probability stored with a flag was worked out from its match weight, which the page's hint says."""

    CALIBRATED = "calibrated"  # by the calibration section of the model file that raised it
    UNCALIBRATED = "uncalibrated"  # 2^w / (1 + 2^w): the model's own estimate, checked against no known answers
    UNKNOWN = "unknown"  # raised under a model version this process does not know


def probability_basis(model: IdentityModel | None, version: str) -> ProbabilityBasis:
    """What the running `model` can tell of a flag raised under model `version`.

    A version is a hash of the whole model file, calibration included, and the versions that share the running
    model's weights (`IdentityModel.versions_with_these_weights`: its own, its weights version, those its
    calibration's provenance lists) differ from one another only in their calibration. Of these, the weights version
    is the file without a calibration section, whose probability is the raw 2^w / (1 + 2^w); every other one had a
    calibration. Any other version is one this process cannot judge.
    """
    if model is None or version not in model.versions_with_these_weights():
        return ProbabilityBasis.UNKNOWN
    return ProbabilityBasis.UNCALIBRATED if version == model.weights_version else ProbabilityBasis.CALIBRATED


def _flag_page(
    services: Services,
    request: Request,
    flag_id: str,
    errors: FormErrors,
    typed: Mapping[str, str],
    *,
    status_code: int = 200,
) -> Response:
    evidence = identity_flag_evidence(services, flag_id)
    pair = evidence.pair
    audit_read(request, "identity_flag:read", [flag_id, pair.record.record_id, pair.candidate.record_id])
    principal: Principal = request.state.principal
    return render(
        request,
        "identity_flag.html",
        zone=service_zone(services),
        status_code=status_code,
        evidence=evidence,
        probability_basis=probability_basis(services.identity.model, pair.flag.model_version),
        may_decide=all(principal.has(s) for s in (Scope.RETURNS_ACT, Scope.ADMISSIONS_ACT)),
        errors=errors,
        typed=typed,
        command_key=uuid.uuid4().hex,
        active="identity",
    )
