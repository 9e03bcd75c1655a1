# ruff: noqa: RUF001 (French is written with its own apostrophe, U+2019)
"""Codes named inside refusals (an action, a case status, a reason from the scheme's lists) are written as the
pages' words for them in the reader's language, with the code in brackets for an API client; `str()` keeps the
English sentence with its codes, as before."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from tests.builders import action, return_case, utc
from tests.catalogue_support import PLACEHOLDER
from tests.unit.web.test_refusals_i18n import extracted_templates

from parity.domain.admissions import ADMISSION_TRANSITIONS, AdmissionExclusion, AdmissionStatus, PriorityFactor
from parity.domain.decisions import CaseType
from parity.domain.errors import DomainError, IllegalTransition, InvalidCommand, TransferBlocked
from parity.domain.identity_links import FlagStatus
from parity.domain.messages import Message, keep_all
from parity.domain.proposals import ProposalStatus
from parity.domain.returns import READMISSION_ANSWERS, RETURN_TRANSITIONS, ReturnStatus, TransferPrecondition
from parity.scheme import Scheme
from parity.web.codes import CODES
from parity.web.i18n import Formats, translations
from parity.web.labels import Labels

LONDON = ZoneInfo("Europe/London")
EN, FR = Formats("en", LONDON), Formats("fr", LONDON)
FR_API = Formats("fr", LONDON, codes_shown=True)  # what parity.api.problems writes for a French client
FRENCH = Labels(translations("fr").gettext)


def refusal_of_refuse_while_detained(uk_fr: Scheme) -> DomainError:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain")
    with pytest.raises(IllegalTransition) as refused:
        case.record(action(uk_fr, "refuse", utc(2025, 9, 2), reason="public_order"), uk_fr)
    return refused.value


def test_every_template_with_codes_is_a_refusal_and_names_real_placeholders() -> None:
    templates = extracted_templates()
    for template, codes in CODES.items():
        assert template in templates, f"no Message uses {template!r}: update parity.web.codes.CODES"
        assert set(codes) <= set(PLACEHOLDER.findall(template)), template


def test_every_code_a_refusal_can_name_has_french_words(uk_fr: Scheme, eu_tr: Scheme) -> None:
    """A code without a label would be shown as it is, in English, inside the French sentence."""
    named = {
        FRENCH.action: [*RETURN_TRANSITIONS.transitions, *READMISSION_ANSWERS.values()],
        FRENCH.admission_action: list(ADMISSION_TRANSITIONS.transitions),
        FRENCH.status: [s.value for s in (*ReturnStatus, *AdmissionStatus)],
        FRENCH.flag_status: [s.value for s in FlagStatus],
        FRENCH.proposal_status: [s.value for s in ProposalStatus],
        FRENCH.case_type: [t.value for t in CaseType],
        FRENCH.refusal_reason: [*uk_fr.returns.refusal_reasons, *eu_tr.returns.refusal_reasons],
        FRENCH.exclusion: [e.value for e in AdmissionExclusion],
        FRENCH.priority_factor: [f.value for f in PriorityFactor],
        FRENCH.legal_block: [k.value for k in TransferPrecondition],
    }
    for label, codes in named.items():
        unnamed = [code for code in codes if label(code) == code]
        assert not unnamed, f"{label.__name__} has no words for {unnamed}"


def test_a_french_refusal_of_an_illegal_transition_names_the_action_and_the_status_in_french(uk_fr: Scheme) -> None:
    refused = refusal_of_refuse_while_detained(uk_fr)

    assert FR.message(refused.message, "return") == (
        "l’action « Demande refusée » n’est pas permise tant que le dossier est au statut « En rétention » (actions "
        "permises : Signalement d’identité tranché, Délai de demande expiré, Signalé comme ayant retraversé après un "
        "renvoi, En fuite, Événement juridique enregistré, Orienté vers la procédure d’asile, Demande de "
        "réadmission envoyée)"
    )


def test_an_api_client_reads_each_label_with_its_code_and_the_english_sentence_keeps_the_codes(
    uk_fr: Scheme,
) -> None:
    refused = refusal_of_refuse_while_detained(uk_fr)

    assert FR_API.message(refused.message, "return").startswith(
        "l’action « Demande refusée (refuse) » n’est pas permise tant que le dossier est au statut « En rétention "
        "(detained) » (actions permises : Signalement d’identité tranché (decide_identity_match), "
    )
    assert str(refused) == (
        "'refuse' is not allowed while the case is detained (allowed: decide_identity_match, "
        "expire_request_deadline, flag_recrossing, record_absconded, record_legal_event, release_to_asylum_route, "
        "send_request)"
    )
    assert EN.message(refused.message, "return").startswith(
        "'Request refused' is not allowed while the case is Detained (allowed: Identity flag decided, "
    )


def test_an_action_is_named_by_the_words_of_its_kind_of_case() -> None:
    with pytest.raises(IllegalTransition) as refused:
        ADMISSION_TRANSITIONS.transition(AdmissionStatus.ARRIVED, "refuse")

    assert FR.message(refused.value.message, "admission") == (
        "l’action « Autorisation d’entrée refusée » n’est pas permise tant que le dossier est au statut « Arrivée » "
        "(aucune action permise : le dossier est clos)"
    )
    # Without the case type, 'refuse' names an action of either kind: it is left as it is, not guessed.
    assert FR.message(refused.value.message).startswith("l’action « refuse » n’est pas permise")
    assert FRENCH.case_action("send_request") == "Demande de réadmission envoyée"  # only a return case has it
    assert FRENCH.case_action("invite") == "Invitée (sélection approuvée)"  # only an admission case has it
    assert FRENCH.case_action("decide_identity_match") == "Signalement d’identité tranché"  # alike on both


def test_a_sentence_naming_its_case_type_names_its_actions_by_it() -> None:
    refused = Message(
        "'%(action)s' is not a decision that is proposed and approved on a %(case_type)s case "
        "(those are: %(allowed)s); take it directly",
        action="withdraw",
        case_type="admission",
        allowed="issue_entry_clearance, refuse",
    )

    assert FR.message(refused) == (
        "« Retiré » n’est pas une décision soumise à proposition et approbation sur un dossier de type « Admission » "
        "(celles-ci sont : Autorisation d’entrée délivrée, Autorisation d’entrée refusée) ; prenez-la directement"
    )


def test_the_readmitting_states_answer_is_named_in_french_with_its_code_for_the_api() -> None:
    refused = Message("field 'reason' is required to %(answer)s", answer="extend")

    assert FR_API.message(refused, "return") == (
        "le champ « reason » est obligatoire pour la réponse « Délai de réponse prolongé (extend) »"
    )
    assert str(refused) == "field 'reason' is required to extend"


def test_a_legal_event_kind_typed_on_a_page_is_named_with_the_code_to_type(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain")
    event = {"kind": "appeal", "state": "pending", "decided_on": "2025-09-02", "evidence": "letter"}
    with pytest.raises(InvalidCommand) as refused:
        case.record(action(uk_fr, "record_legal_event", utc(2025, 9, 2), **event), uk_fr)

    assert FR.message(refused.value.message, "return") == (
        "« appeal » n’est pas un type d’événement juridique (Demande de protection (protection_claim), Demande "
        "fondée sur les droits de l’homme (human_rights_claim), Recours suspensif (suspensive_appeal), Injonction "
        "(injunction), Signalement d’esclavage moderne (NRM) (nrm))"
    )


def test_codes_inside_a_nested_sentence_are_named_too(uk_fr: Scheme) -> None:
    case = return_case(uk_fr, utc(2025, 9, 1, 4), "detain", "send_request", "accept")
    event = {"kind": "injunction", "state": "in_force", "decided_on": "2025-09-04", "evidence": "Order 12"}
    case.record(action(uk_fr, "record_legal_event", utc(2025, 9, 4), **event), uk_fr)
    transfer = {"flight_ref": "PLF-1", "departs_at": "2025-09-18T09:00:00+00:00"}
    with pytest.raises(TransferBlocked) as refused:
        case.record(action(uk_fr, "schedule_transfer", utc(2025, 9, 5), **transfer), uk_fr)

    assert "Injonction in_force depuis le 4 septembre 2025 (pièce justificative : Order 12)" in FR.message(
        refused.value.message
    )
    assert "injunction in_force since 2025-09-04" in str(refused.value)


def test_a_reason_kept_in_a_record_names_its_code_in_french_when_read_back() -> None:
    bars = [Message("member %(member)s: excluded (%(exclusion)s, rule 16)", member="m1", exclusion="eea_national")]
    stored = keep_all("bars", bars)

    assert stored["bars"] == ["member m1: excluded (eea_national, rule 16)"]
    assert FR.kept_all(stored, "bars") == ["membre m1 : exclu (Ressortissant de l’EEE, règle 16)"]


def test_a_code_no_table_knows_is_shown_as_it_is_once() -> None:
    refused = Message("'%(name)s' is not an exclusion (%(known)s)", name="bad_weather", known="eea_national, minor")

    assert FR_API.message(refused).startswith("« bad_weather » n’est pas un motif d’exclusion (Ressortissant de l’EEE")


def test_a_timeline_shows_a_chosen_code_in_words_and_free_text_as_it_is() -> None:
    assert FRENCH.detail("refuse", "reason", "public_order") == "Ordre public"
    assert FRENCH.detail("record_legal_event", "kind", "injunction") == "Injonction"
    assert FRENCH.detail("release_to_asylum_route", "reason", "public_order") == "public_order"  # free text there
    assert FRENCH.detail("refuse", "reason", "security checks") == "security checks"
    assert FRENCH.detail("record_exclusion", "exclusion", "eea_national") == "Ressortissant de l’EEE"
