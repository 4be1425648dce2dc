"""Property types: each kind of value owns its own cleaning, validation and comparison.

One module a type, each with `clean`, `keys` and `compare` (and a parsed
form where a value has parts):

- `names`: people's names, nicknames, transliteration families, phonetics;
- `vehicles`: UK registrations, partial plates;
- `phones`: telephone numbers (E.164);
- `postcodes`: UK postcodes, whole or partial;
- `dates` and `ages`: partial dates, ages as birth ranges, dates of birth;
- `emails` and `addresses`.

`property_types` gives each by name behind one interface. Nothing is
imported here, so that reading a bundle's dates does not load the name tables.
"""
