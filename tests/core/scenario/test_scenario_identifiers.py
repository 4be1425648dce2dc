"""Registrations, phones, postcodes and health numbers: as issued and as written."""

from __future__ import annotations

import random
import re
from datetime import date

from vigil.core.scenario.identifiers import (
    new_mobile,
    new_plate,
    new_postcode,
    nhs_number,
    written_phone,
    written_plate,
)


def test_plates_follow_the_style_of_their_registration_date() -> None:
    rng = random.Random(1)
    assert re.fullmatch(r"Y[A-Z]02 [A-Z]{3}", new_plate(rng, date(2002, 5, 1)))
    assert re.fullmatch(r"Y[A-Z]52 [A-Z]{3}", new_plate(rng, date(2002, 10, 1)))
    assert re.fullmatch(r"Y[A-Z]51 [A-Z]{3}", new_plate(rng, date(2002, 1, 15)))
    assert re.fullmatch(r"P\d{1,3} [A-Z]{3}", new_plate(rng, date(1997, 1, 1)))
    assert re.fullmatch(r"[A-Z]{3} \d{1,3}[A-Z]", new_plate(rng, date(1980, 1, 1)))


def test_written_plates_can_be_partial_or_misread() -> None:
    rng = random.Random(2)
    written = [written_plate(rng, "YB02 KLM", unseen=1.0, misread=0.0) for _ in range(100)]
    assert all("?" in plate for plate in written)
    assert any(plate.upper().replace(" ", "").startswith("YB02K") for plate in written)
    misread = {written_plate(rng, "YB02 KLM", unseen=0.0, misread=1.0) for _ in range(100)}
    assert any(plate.upper().replace(" ", "") != "YB02KLM" for plate in misread)


def test_phones_are_uk_mobiles_in_several_layouts() -> None:
    rng = random.Random(3)
    number = new_mobile(rng)
    assert re.fullmatch(r"\+447\d{9}", number)
    layouts = {written_phone(rng, number) for _ in range(200)}
    assert len(layouts) >= 5
    for layout in layouts:
        digits = re.sub(r"\D", "", layout)
        assert digits.endswith(number[3:])


def test_postcodes_are_in_the_fictional_area() -> None:
    rng = random.Random(4)
    assert re.fullmatch(r"AW\d{1,2} \d[A-Z]{2}", new_postcode(rng, "AW", 12))


def test_nhs_numbers_have_a_valid_check_digit() -> None:
    for serial in range(200):
        number = nhs_number(serial)
        if number is None:
            continue
        digits = [int(d) for d in number.replace(" ", "")]
        total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
        assert (11 - total % 11) % 11 == digits[9]
        assert number.startswith("999")
