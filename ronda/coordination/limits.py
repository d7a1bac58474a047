"""How long the coordination body's texts may be: one place for the forms, the API and the services.

The database does not bound a ``TextField``; these limits do, so that one paste cannot turn the
minutes (``templates/coordination/minutes_pdf.html``) into dozens of pages: a 39,000-character
agreement made an 18-page acta. A page of the acta holds about 3,000 characters of running text,
and rather less in a table cell.

- An agreement is a row of the acta's table of agreements, beside its owner and due date: what is
  decided, by whom and for when, in a paragraph or two (2,000, about two thirds of a page).
- A follow-up note on an agreement says what was done since: the same size (2,000).
- The discussion is the acta's narrative, every agenda item of a long meeting: about seven pages
  (20,000). Longer records belong in an annex, not in the acta.
- A commission's purpose is a paragraph on the members page (1,000).
- The safeguarding protocol is how the body protects the children who take part: a page and a
  half (5,000); a full protocol document is kept as a file, this is its summary.
- The invited guests are one per line, "name, institution or position": at most 60 lines of 200
  characters (``services.meetings.clean_guests``); the form counts them all together.
- The questionnaire's open comments keep the 2,000 the anonymous form always had
  (``questionnaire.COMMENT_MAX_LENGTH``).

Names, positions, places and agenda items are the models' ``CharField`` lengths (the database
bounds them; the forms and the API repeat them so the page counts and the API answers 422).
"""

from __future__ import annotations

# CharFields: the models' lengths.
NAME = 200  # the body's, a member's full name, a commission's, a questionnaire round's title
POSITION = 200
PHONE = 50
PLACE = 255
AGENDA_ITEM = 255

# TextFields: the limits the services check.
AGREEMENT = 2_000
NOTE = 2_000
DISCUSSION = 20_000
PURPOSE = 1_000
PROTOCOL = 5_000
GUEST_LINES = 60
GUEST_LINE = 200
GUESTS = GUEST_LINES * (GUEST_LINE + 1)  # every line and its newline
