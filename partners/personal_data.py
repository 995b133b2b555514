"""Partners hold no customer's personal data (common/areas.py): their directory is published.

An advisor's name, profile and address are the advisor's own directory entry, written for
publication and kept while they are a partner (staff delete it when they leave); they are not
the personal data of the center's customers that the disclosure and retention areas cover.
"""

from common.areas import not_personal

not_personal("partners.ExpertiseArea", reason="the names of fields of expertise")
not_personal("partners.PartnerCompany", reason="a partner company's published directory entry")
not_personal(
    "partners.Advisor", reason="an advisor's published directory entry, kept while a partner"
)
not_personal("partners.VocabularyEntry", reason="words for matching requests to expertise")
