from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import ChatRobot


class ChatRobotForm(forms.ModelForm):
    """A city's robot of one kind. The secret is never shown again: left empty, the stored one
    is kept."""

    webhook_url = forms.URLField(
        label=_("webhook URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The robot's address as the group settings show it (with its key or token)."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("钉钉 only (SEC…). Leave empty to keep the stored secret."),
    )

    class Meta:
        model = ChatRobot
        fields = ["name", "webhook_url", "secret", "is_active"]

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("The webhook is an http(s) address."))
        return url

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"].strip() or self.instance.secret
