from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class VisitPeriodInlineFormSet(forms.BaseInlineFormSet):
    """A report records at least one visit, whatever rows are removed."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        if not kept and not any(form.errors for form in self.forms):
            raise ValidationError(_("A report needs at least one visit period."))
