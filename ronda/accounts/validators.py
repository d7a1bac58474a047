from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterVarietyValidator:
    """A password needs letters and at least one digit or symbol: length alone is not enough."""

    def validate(self, password: str, user: object = None) -> None:
        has_letter = any(c.isalpha() for c in password)
        has_other = any(not c.isalpha() for c in password)
        if not (has_letter and has_other):
            raise ValidationError(
                _("The password must mix letters with digits or symbols."), code="password_no_variety"
            )

    def get_help_text(self) -> str:
        return _("Mix letters with digits or symbols.")
