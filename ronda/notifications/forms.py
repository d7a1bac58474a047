from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.notifications import kinds
from ronda.notifications.models import EmailStatus
from ronda.notifications.selectors import Choice

FIELD_PREFIX = "kind__"


def field_name(key: str) -> str:
    return FIELD_PREFIX + key.replace(".", "__")


class PreferencesForm(forms.Form):
    """The language of the person's e-mails, one checkbox per kind that concerns them, and the
    weekly-digest switch."""

    language = forms.ChoiceField(
        label=_("Language of my e-mails"),
        required=False,
        help_text=_("Ronda also shows its pages in this language when you sign in."),
    )
    weekly_digest = forms.BooleanField(
        label=_("Weekly digest"),
        required=False,
        help_text=_("Summaries sent once a week. Turned off, no digest reaches you, whatever is ticked below."),
    )

    def __init__(self, *args: Any, choices: list[Choice], digest_on: bool, language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = [choice.kind for choice in choices]
        site_language = dict(settings.LANGUAGES).get(settings.LANGUAGE_CODE, settings.LANGUAGE_CODE)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("The site's language (%(language)s)") % {"language": site_language}),
            *settings.LANGUAGES,
        ]
        self.fields["language"].initial = language
        self.fields["weekly_digest"].initial = digest_on
        for choice in choices:
            self.fields[field_name(choice.kind.key)] = forms.BooleanField(
                label=choice.kind.label, help_text=choice.kind.description, required=False, initial=choice.wanted
            )

    def choices(self) -> dict[str, bool]:
        wanted = {kind.key: bool(self.cleaned_data.get(field_name(kind.key))) for kind in self.kinds}
        wanted[kinds.WEEKLY_DIGEST] = bool(self.cleaned_data.get("weekly_digest"))
        return wanted


class FeedForm(forms.Form):
    calendar = forms.ChoiceField(label=_("Calendar"))

    def __init__(self, *args: Any, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["calendar"].choices = options  # type: ignore[attr-defined]

    def feed(self) -> tuple[str, int | None]:
        key, _sep, pk = self.cleaned_data["calendar"].partition(":")
        return key, int(pk) if pk.isdigit() else None


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("e-mail", "Status"), required=False, choices=[("", _("Any")), *EmailStatus.choices]
    )
