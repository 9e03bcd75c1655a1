"""Intake in the browser (brief §10 rules 1-4): one boat with its people in one form, then each person's screening.

The form has a fixed number of person rows; "Add another person" draws it again with one more, keeping what was
typed (no JavaScript needed). Rows left blank are skipped. Everything is checked before anything is saved, and the
service records the boat and everyone on it in one transaction, so a refused form leaves nothing behind.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from parity.accounts.roles import Principal, Scope
from parity.api.problems import audit_refusal
from parity.api.security import require
from parity.domain.errors import DomainError
from parity.domain.people import AgeStatus, Sex
from parity.scheme.model import ReturnGround
from parity.services.context import Services
from parity.services.intake import (
    BOAT_TEXT_LIMITS,
    DEPARTED_FROM_PATTERN,
    NATIONALITY_PATTERN,
    PERSON_TEXT_LIMITS,
    PersonInput,
    RecordArrival,
    record_arrival,
)
from parity.web.forms import FormErrors, form_command_id
from parity.web.i18n import Formats, translations
from parity.web.pages import PageRoute, language, render

FIRST_ROWS = 6
MOST_ROWS = 100
PERSON_TEXT_FIELDS = (
    "given_names",
    "family_name",
    "nationality",
    "departed_from",
    "transit_evidence",
    "family_group",
    "document_type",
    "document_number",
    "biometric_ref",
)
# The identity documents the form offers; the API takes any kind, and the matcher compares numbers only.
DOCUMENT_TYPES = ("passport", "national_id", "travel_document", "other")
DOCUMENT_NUMBER = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9 /-]{{0,{PERSON_TEXT_LIMITS['document_number'] - 1}}}$")
DATE_PARTS = ("day", "month", "year")
COUNTRY3 = re.compile(NATIONALITY_PATTERN)
COUNTRY2_OR_3 = re.compile(DEPARTED_FROM_PATTERN)
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
Writing = Annotated[Principal, Depends(require(Scope.ARRIVALS_WRITE))]


@dataclass(frozen=True)
class ScreenedPerson:
    """One line of the result page: who, and what the screening found."""

    given_names: str
    family_name: str
    case_id: str
    status: str
    reasons: list[str]
    identity_flags: int


def create_intake_router(services: Services) -> APIRouter:
    router = APIRouter(route_class=PageRoute, include_in_schema=False)

    @router.get("/schemes/{scheme_id}/arrivals/new", name="intake_form")
    def intake_form(request: Request, scheme_id: str, _principal: Writing) -> Response:
        return _form_page(services, request, scheme_id, errors=FormErrors(), typed=FormData(), rows=FIRST_ROWS)

    @router.post("/schemes/{scheme_id}/arrivals", name="record_arrival")
    async def record(request: Request, scheme_id: str, principal: Writing) -> Response:
        form = await request.form()
        rows = _row_count(form)
        if "add_person" in form:
            return _form_page(
                services, request, scheme_id, errors=FormErrors(), typed=form, rows=min(rows + 1, MOST_ROWS)
            )
        _ = translations(language(request)).gettext
        errors = FormErrors()
        zone = ZoneInfo(services.scheme(scheme_id).timezone)
        arrived_at = _arrived_at(form, zone, services.clock.now(), errors, _)
        today = services.clock.now().astimezone(zone).date()
        people = [(row, p) for row in range(1, rows + 1) if (p := _person(form, row, today, errors, _)) is not None]
        if not people and not any(name.startswith("people-") for name in errors.by_field):
            errors.add("people-1-given_names", _("Enter at least one person"))
        result: dict[str, Any] = {}
        if not errors and arrived_at is not None:
            key = form_command_id(principal, form.get("command_key"))
            command = RecordArrival(
                key,
                principal.user_id,
                scheme_id,
                _text(form, "boat_ref"),
                arrived_at,
                _text(form, "place"),
                tuple(person for _row, person in people),
            )
            try:
                result = dict(record_arrival(services, command))
            except DomainError as refused:
                await audit_refusal(request, 409, refused.code)
                reason = Formats(language(request), zone).message(refused.message)
                errors.add("boat_ref", _("The arrival was refused: %(reason)s") % {"reason": reason})
        if errors:
            return _form_page(services, request, scheme_id, errors=errors, typed=form, rows=rows, status_code=422)
        screened = [
            ScreenedPerson(
                person.given_names,
                person.family_name,
                case["case_id"],
                case["status"],
                Formats(language(request), zone).kept_all(case, "reasons"),
                len(case["identity_flags"]),
            )
            for (_row, person), case in zip(people, result["cases"], strict=True)
        ]
        return render(
            request,
            "arrival_recorded.html",
            scheme=services.scheme(scheme_id),
            boat_ref=_text(form, "boat_ref"),
            screened=screened,
            active="intake",
        )

    return router


def _form_page(
    services: Services,
    request: Request,
    scheme_id: str,
    *,
    errors: FormErrors,
    typed: FormData,
    rows: int,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "intake.html",
        status_code=status_code,
        scheme=services.scheme(scheme_id),
        errors=errors,
        typed=typed,
        rows=rows,
        sex_codes=list(Sex),
        age_statuses=list(AgeStatus),
        grounds=list(ReturnGround),
        document_types=DOCUMENT_TYPES,
        command_key=typed.get("command_key") or uuid.uuid4().hex,
        active="intake",
    )


def _row_count(form: FormData) -> int:
    raw = str(form.get("rows", ""))
    return min(max(int(raw), 1), MOST_ROWS) if raw.isdigit() else FIRST_ROWS


def _text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def _arrived_at(form: FormData, zone: ZoneInfo, now: datetime, errors: FormErrors, _: Any) -> datetime | None:
    boat_ref, place = _text(form, "boat_ref"), _text(form, "place")
    if not boat_ref:
        errors.add("boat_ref", _("Enter the boat reference"))
    elif len(boat_ref) > (limit := BOAT_TEXT_LIMITS["boat_ref"]):
        errors.add("boat_ref", _("The boat reference must be %(limit)s characters or fewer") % {"limit": limit})
    day = _date(form, "arrived_on", errors, _("Enter the date of arrival"), _)
    clock = TIME.match(_text(form, "arrived_time"))
    if not clock:
        errors.add("arrived_time", _("Enter the time of arrival like 04:10"))
    if not place:
        errors.add("place", _("Enter the place of arrival"))
    elif len(place) > (limit := BOAT_TEXT_LIMITS["place"]):
        errors.add("place", _("The place must be %(limit)s characters or fewer") % {"limit": limit})
    if day is None or clock is None:
        return None
    arrived_at = datetime.combine(day, time(int(clock.group(1)), int(clock.group(2))), zone)
    if arrived_at > now:
        errors.add("arrived_on-day", _("The arrival must be in the past"))
    return arrived_at


def _date(form: FormData, prefix: str, errors: FormErrors, missing: str | None, _: Any) -> date | None:
    """A GOV.UK date input (day, month, year); `missing` is the message when it is required and left blank."""
    parts = [_text(form, f"{prefix}-{part}") for part in DATE_PARTS]
    if not any(parts):
        if missing:
            errors.add(f"{prefix}-day", missing)
        return None
    try:
        day, month, year = (int(part) for part in parts)
        if year >= 1900:
            return date(year, month, day)
    except ValueError:
        pass
    errors.add(f"{prefix}-day", _("Enter a real date, like 27 3 1990"))
    return None


def _person(form: FormData, row: int, today: date, errors: FormErrors, _: Any) -> PersonInput | None:
    """The person in row `row`, or None when the row is blank or refused (its errors are added)."""
    name = f"people-{row}-"
    values = {field: _text(form, name + field) for field in PERSON_TEXT_FIELDS}
    sex, age, grounds = _text(form, name + "sex"), _text(form, name + "age_status"), form.getlist(name + "grounds")
    born_parts = [_text(form, f"{name}date_of_birth-{part}") for part in DATE_PARTS]
    if not any(values.values()) and not sex and not age and not grounds and not any(born_parts):
        return None
    before = len(errors.by_field)
    subject = {"row": row}

    def too_long(field: str) -> bool:
        return len(values[field]) > PERSON_TEXT_LIMITS[field]

    def limited(field: str) -> dict[str, int]:
        return {**subject, "limit": PERSON_TEXT_LIMITS[field]}

    for field, message in (
        ("given_names", _("Enter the given names of person %(row)s")),
        ("family_name", _("Enter the family name of person %(row)s")),
    ):
        if not values[field]:
            errors.add(name + field, message % subject)
        elif too_long(field):
            errors.add(
                name + field,
                _("The name of person %(row)s must be %(limit)s characters or fewer") % limited(field),
            )
    born = _date(form, name + "date_of_birth", errors, None, _)
    if born is not None and born > today:
        errors.add(name + "date_of_birth-day", _("The date of birth of person %(row)s must be in the past") % subject)
    nationality = values["nationality"].upper()
    if not COUNTRY3.match(nationality):
        errors.add(name + "nationality", _("Enter the nationality of person %(row)s as 3 letters, like ERI") % subject)
    if sex not in {s.value for s in Sex}:
        errors.add(name + "sex", _("Choose the sex of person %(row)s") % subject)
    if age not in {a.value for a in AgeStatus}:
        errors.add(name + "age_status", _("Choose the age status of person %(row)s") % subject)
    known_grounds = {g.value for g in ReturnGround}
    if not grounds or any(str(g) not in known_grounds for g in grounds):
        errors.add(name + "grounds", _("Choose at least one ground for person %(row)s") % subject)
    departed = values["departed_from"].upper()
    if departed and not COUNTRY2_OR_3.match(departed):
        errors.add(
            name + "departed_from", _("Enter where person %(row)s departed from as 2 or 3 letters, like FR") % subject
        )
    if too_long("transit_evidence"):
        errors.add(
            name + "transit_evidence",
            _("The evidence for person %(row)s must be %(limit)s characters or fewer") % limited("transit_evidence"),
        )
    if too_long("family_group"):
        errors.add(
            name + "family_group",
            _("The family group of person %(row)s must be %(limit)s characters or fewer") % limited("family_group"),
        )
    document_type, document_number = _document(values, name, subject, errors, _)
    biometric_ref = values["biometric_ref"]
    if too_long("biometric_ref"):
        errors.add(
            name + "biometric_ref",
            _("The biometric reference of person %(row)s must be %(limit)s characters or fewer")
            % limited("biometric_ref"),
        )
    if len(errors.by_field) > before:
        return None
    return PersonInput(
        given_names=values["given_names"],
        family_name=values["family_name"],
        nationality=nationality,
        sex=Sex(sex),
        age_status=AgeStatus(age),
        grounds=frozenset(ReturnGround(str(g)) for g in grounds),
        departed_from=departed or None,
        date_of_birth=born,
        transit_evidence=values["transit_evidence"] or None,
        family_group=values["family_group"] or None,
        document_type=document_type,
        document_number=document_number,
        biometric_ref=biometric_ref or None,
    )


def _document(
    values: dict[str, str], name: str, subject: dict[str, int], errors: FormErrors, _: Any
) -> tuple[str | None, str | None]:
    """The person's identity document (type and number), both or neither; the errors go next to the field."""
    kind, number = values["document_type"], values["document_number"]
    if (number and not kind) or (kind and kind not in DOCUMENT_TYPES):
        errors.add(name + "document_type", _("Choose the document type of person %(row)s") % subject)
    if kind and not number:
        errors.add(name + "document_number", _("Enter the document number of person %(row)s") % subject)
    elif number and not DOCUMENT_NUMBER.match(number):
        errors.add(
            name + "document_number",
            _(
                "The document number of person %(row)s must be %(limit)s characters or fewer: letters, numbers, "
                "spaces, hyphens and slashes"
            )
            % {**subject, "limit": PERSON_TEXT_LIMITS["document_number"]},
        )
    return (kind or None, number or None)
