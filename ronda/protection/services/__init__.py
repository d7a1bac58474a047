"""The services of specialised protection and alternative care (issue #12): every write goes through them."""
