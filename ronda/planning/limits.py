"""How long the planning texts may be: one place for the forms, the API schemas and the services.

The database does not bound a ``TextField``; these limits do, so that one paste cannot turn a plan
report into dozens of pages (a 39,000-character text made an 18-page PDF). A page of a report holds
about 3,000 characters: a note stays under two thirds of a page, a description under about a page
and a half, a diagnosis summary under four pages. Titles are the models' ``CharField`` lengths.
"""

from __future__ import annotations

TITLE = 255
# A strategic line in children's words (the children's page): a short heading, not a sentence.
CHILD_TITLE = 120
ANALYSIS_TITLE = 200
# A justification, the reason for a drop or a correction, workshop notes, a change record.
NOTE = 2_000
# A measure's or an opportunity's description, a finding.
DESCRIPTION = 4_000
# The narrative summary of a diagnosis.
SUMMARY = 10_000
