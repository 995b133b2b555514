from django import forms

from .models import Activity


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "at", "duration_minutes", "person", "note"]
        widgets = {"at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = organisation.contacts.all()
