"""How long the children's council's texts may be: one place for the forms, the API and the services.

The database does not bound a ``TextField``; these limits do, so that one paste cannot fill the
request pages, the public answers and the reports (a 39,000-character text made an 18-page PDF
elsewhere in Ronda). They are read by children or written for them, so they are shorter than the
coordination body's (``coordination/limits.py``):

- A request or proposal says what the children ask, in their words: a paragraph or two (1,500,
  about half a page), shorter than an agreement of the body (2,000).
- The answer is published as written, in short sentences (``readability``): what was decided,
  why, who will do it and when (2,000).
- A session's topics are a list of what the children talked about (2,000).
- An accountability session's report covers progress, decisions and answers to several requests
  (5,000, under two pages); the children's questions and comments, 3,000.

Names, titles and places are the models' ``CharField`` lengths.
"""

from __future__ import annotations

# CharFields: the models' lengths.
NAME = 200  # the council's
FIRST_NAME = 60  # a member's, only the first name
TITLE = 255
PLACE = 255

# TextFields: the limits the services check.
REQUEST = 1_500
ANSWER = 2_000
TOPICS = 2_000
REPORT = 5_000
QUESTIONS = 3_000
