"""The DHIS2-compatible Web API under /dhis2/api/ (issue #10 item 5; spec in docs/dhis2.md)."""
