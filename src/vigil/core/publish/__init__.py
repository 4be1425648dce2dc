"""Publication: redaction of every identifier, consistent pseudonyms, and the sealed key.

The public surface re-exports; the modules inside are:

- `known`: identifiers the store knows, compiled into one Aho-Corasick automaton;
- `recognisers`: UK patterns (phones, postcodes, plates, NHS and NI numbers, dates
  of birth, emails, names by context, ages, street addresses, professionals named
  with their role, businesses named with their type);
- `ner`: an optional spaCy model, only when one is installed;
- `spans`: spans and their merging;
- `pseudonyms`: "Child A", "Adult 1", "Vehicle 1", bands and generalisations;
- `redact`: the `Redactor` that puts them together;
- `report`: a knowledge chronology made publishable, rendered to HTML and PDF,
  and the final check that refuses release while an identifier remains;
- `seal`: the key from pseudonym to person, encrypted under a key held outside
  the database.
"""

from vigil.core.publish.known import KnownEntity, KnownMatcher
from vigil.core.publish.pseudonyms import KeyEntry, Pseudonyms
from vigil.core.publish.redact import Redaction, Redactor
from vigil.core.publish.spans import Span, merge

__all__ = [
    "KeyEntry",
    "KnownEntity",
    "KnownMatcher",
    "Pseudonyms",
    "Redaction",
    "Redactor",
    "Span",
    "merge",
]
