"""Specialised protection and alternative care (issue #12): protection files of children, protective
measures and their review, gatekeeping, placements, residential-care facilities and their supervision,
the foster-family bank and the adoption registry (decision 0026)."""
