"""Every write to the coordination body goes through here, audited in the same transaction.

``actor`` None is the system (demo loader, importers); people are checked against policies.py.
"""

from ronda.coordination.services.agreements import (
    AGREEMENT_EDITABLE,
    FOLLOW_UP_FIELDS,
    NOTE_MAX_LENGTH,
    add_agreement_note,
    create_agreement,
    update_agreement,
)
from ronda.coordination.services.body import (
    BODY_EDITABLE,
    MEMBER_EDITABLE,
    add_member,
    create_body,
    create_commission,
    linkable_users,
    set_coat_of_arms,
    update_body,
    update_commission,
    update_member,
)
from ronda.coordination.services.meetings import (
    MEETING_EDITABLE,
    accept_agenda_proposal,
    add_agenda_item,
    approve_minutes,
    check_meeting_fields,
    decline_agenda_proposal,
    propose_agenda_item,
    record_attendance,
    remove_agenda_item,
    save_minutes,
    schedule_meeting,
    update_meeting,
)
from ronda.coordination.services.questionnaire import (
    close_round,
    open_round,
    questionnaire_area_ids,
    record_paper_response,
    submit_questionnaire,
)

__all__ = [
    "AGREEMENT_EDITABLE",
    "BODY_EDITABLE",
    "FOLLOW_UP_FIELDS",
    "MEETING_EDITABLE",
    "MEMBER_EDITABLE",
    "NOTE_MAX_LENGTH",
    "accept_agenda_proposal",
    "add_agenda_item",
    "add_agreement_note",
    "add_member",
    "approve_minutes",
    "check_meeting_fields",
    "close_round",
    "create_agreement",
    "create_body",
    "create_commission",
    "decline_agenda_proposal",
    "linkable_users",
    "open_round",
    "propose_agenda_item",
    "questionnaire_area_ids",
    "record_attendance",
    "record_paper_response",
    "remove_agenda_item",
    "save_minutes",
    "schedule_meeting",
    "set_coat_of_arms",
    "submit_questionnaire",
    "update_agreement",
    "update_body",
    "update_commission",
    "update_meeting",
    "update_member",
]
