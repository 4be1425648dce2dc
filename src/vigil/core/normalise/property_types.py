"""Every property type by name, behind one small interface.

Linkage, search and redaction ask for a type by the name a mention field
carries ("name", "vrm", "phone", ...) and get its cleaning, keys and
comparison, so one value is normalised the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from types import MappingProxyType

from vigil.core.normalise import addresses, ages, emails, names, phones, postcodes, vehicles


@dataclass(frozen=True, slots=True)
class PropertyType:
    """One kind of value and what can be done with it.

    Attributes:
        name: The type's name.
        clean: Value as written -> its standard form, or None when it is not
            such a value. `clean(clean(x)) == clean(x)`.
        keys: Value as written -> keys for blocking and search, strongest first.
        compare: Two values as written -> a level (higher is more alike), or
            None when either is missing or not such a value.
        levels: The enumeration `compare` returns.
        matchable: Whether equal values are evidence that two mentions are one
            entity (an age range is, a gender alone would not be).
    """

    name: str
    clean: Callable[[str], str | None]
    keys: Callable[[str], tuple[str, ...]]
    compare: Callable[[str | None, str | None], IntEnum | None]
    levels: type[IntEnum]
    matchable: bool = True


PROPERTY_TYPES: Mapping[str, PropertyType] = MappingProxyType(
    {
        t.name: t
        for t in (
            PropertyType("name", names.clean, names.keys, names.compare, names.NameLevel),
            PropertyType("vrm", vehicles.clean, vehicles.keys, vehicles.compare, vehicles.VrmLevel),
            PropertyType("phone", phones.clean, phones.keys, phones.compare, phones.PhoneLevel),
            PropertyType(
                "postcode",
                postcodes.clean,
                postcodes.keys,
                postcodes.compare,
                postcodes.PostcodeLevel,
            ),
            PropertyType("date", ages.clean, ages.keys, ages.compare, ages.DobLevel),
            PropertyType("email", emails.clean, emails.keys, emails.compare, emails.EmailLevel),
            PropertyType(
                "address",
                addresses.clean,
                addresses.keys,
                addresses.compare,
                addresses.AddressLevel,
            ),
        )
    }
)


def property_type(name: str) -> PropertyType:
    """The property type called `name`.

    Args:
        name: One of `PROPERTY_TYPES`: name, vrm, phone, postcode, date, email, address.

    Raises:
        KeyError: when no type has that name.
    """
    try:
        return PROPERTY_TYPES[name]
    except KeyError:
        known = ", ".join(PROPERTY_TYPES)
        raise KeyError(f"no property type {name!r} (known: {known})") from None
