from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fdi_portal.lib.money import base_to_wan, wan_to_base


class AmountForm(forms.Form):
    """One amount in 万美元 (empty: no figure) and, where a notice forces it, a reason."""

    amount_wan = forms.DecimalField(
        label=_("Amount (10k USD)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=4,
        localize=False,
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)

    def amount_usd(self) -> Decimal | None:
        amount = self.cleaned_data["amount_wan"]
        return None if amount is None else wan_to_base(amount)

    @classmethod
    def for_amount(cls, amount_usd: Decimal | None) -> AmountForm:
        initial = None if amount_usd is None else base_to_wan(amount_usd).normalize()
        return cls(initial={"amount_wan": initial})


class CityTargetForm(forms.Form):
    target_wan = forms.DecimalField(
        label=_("City target (10k USD)"), min_value=Decimal(0), max_digits=14, decimal_places=4
    )
    growth_percent = forms.DecimalField(
        label=_("Growth target (%)"), required=False, max_digits=6, decimal_places=2
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s MB; the limit is %(limit)s MB. Split it or remove unused sheets."
                )
                % {
                    "size": round(upload.size / 1048576, 1),
                    "limit": round(settings.UPLOAD_MAX_BYTES / 1048576, 1),
                }
            )
        return upload
