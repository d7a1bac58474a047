"""The children's council on the web, one module per part of its work. Thin views: policy, form,
service or selector, template."""

from ronda.council.views.councils import council_create, council_edit, overview
from ronda.council.views.members import member_create, member_delete, member_edit, member_list
from ronda.council.views.requests import (
    request_create,
    request_detail,
    request_edit,
    request_list,
    request_transition,
)
from ronda.council.views.sessions import (
    accountability_create,
    accountability_edit,
    accountability_list,
    session_create,
    session_edit,
    session_list,
)

__all__ = [
    "accountability_create",
    "accountability_edit",
    "accountability_list",
    "council_create",
    "council_edit",
    "member_create",
    "member_delete",
    "member_edit",
    "member_list",
    "overview",
    "request_create",
    "request_detail",
    "request_edit",
    "request_list",
    "request_transition",
    "session_create",
    "session_edit",
    "session_list",
]
