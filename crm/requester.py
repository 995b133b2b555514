"""Who is asking: the requester's fields, carried as one value from a form to the services.

A public form (consultation, 個別相談会 booking, seminar registration) and staff entry build a
``Requester`` (``form.requester()``); ``case_submit``, ``session_book`` and
``registration_create`` take it whole instead of a dozen keyword arguments. It holds what was
typed and says nothing about whether it is true: whether the CRM may reuse a stored record is
the services' ``verified`` argument, never a field here.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields

from common.models import Municipality
from common.text import canonical_email, normalise_kana, normalise_phone


@dataclass(frozen=True, kw_only=True)
class Requester:
    requester_type: str = ""
    organisation_name: str = ""
    industry: str = ""
    municipality: Municipality | None = None
    corporate_number: str = ""
    family_name: str = ""
    given_name: str = ""
    family_name_kana: str = ""
    given_name_kana: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def from_data(cls, data: Mapping) -> "Requester":
        """The requester's fields of a form's cleaned data (under the same names)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if data.get(f.name) is not None})

    @property
    def name(self) -> str:
        """The full name as one line: family name, a space, given name."""
        return f"{self.family_name.strip()} {self.given_name.strip()}".strip()

    @property
    def name_kana(self) -> str:
        return f"{self.family_name_kana.strip()} {self.given_name_kana.strip()}".strip()

    def organisation_fields(self) -> dict:
        """The organisation's fields as the CRM's find-or-create takes them."""
        return {
            "name": self.organisation_name,
            "requester_type": self.requester_type,
            "industry": self.industry,
            "municipality": self.municipality,
            "corporate_number": self.corporate_number,
        }

    def person_fields(self) -> dict:
        """The contact person's fields, with kana, address and phone in one form whatever was
        typed."""
        return {
            "family_name": self.family_name.strip(),
            "given_name": self.given_name.strip(),
            "family_name_kana": normalise_kana(self.family_name_kana),
            "given_name_kana": normalise_kana(self.given_name_kana),
            "email": canonical_email(self.email),
            "phone": normalise_phone(self.phone),
        }
