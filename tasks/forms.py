from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tasks.documents import UnreadableDocument, document_text
from tasks.models import ProgressReport


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class ReportForm(forms.ModelForm):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int
    )

    class Meta:
        model = ProgressReport
        fields = ["year", "quarter", "status", "narrative"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give a year between 2000 and 2100."))
        return year


class PlanTextForm(forms.Form):
    """A plan document: a Word file (.docx) or a text file (UTF-8 or GB18030), or pasted."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the document's."),
    )
    file = forms.FileField(label=_("Word (.docx) or text file"), required=False)
    text = forms.CharField(
        label=_("Or paste the text"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload:
            limit = getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
            if upload.size > limit:
                raise forms.ValidationError(_("The file is too large."))
            try:
                data["text"] = document_text(upload.read())
            except UnreadableDocument:
                raise forms.ValidationError(
                    _(
                        "The file is neither a Word document (.docx) nor plain text: save the "
                        "document as .docx or as plain text and try again."
                    )
                ) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Upload a text file or paste the document."))
        return data
