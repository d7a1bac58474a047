"""The pages of specialised protection and alternative care (issue #12)."""
