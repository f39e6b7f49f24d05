"""Personal data is removed before anything is stored or logged."""

import pytest

from bot.nlp.redact import is_bsn, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mijn bsn is 111222333", "mijn bsn is [bsn]"),
        ("bsn 1112.22.333 graag", "bsn [bsn] graag"),
        ("bel me op 06-12345678", "bel me op [telefoon]"),
        ("bel +31 6 1234 5678 aub", "bel [telefoon] aub"),
        ("mail naar jan.jansen@example.nl", "mail naar [e-mail]"),
        ("rekening NL91ABNA0417164300 klopt", "rekening [iban] klopt"),
        ("ik woon op de Kerkstraat 12a in Zwolle", "ik woon op de [adres] in Zwolle"),
        ("ik woon op Lange Voorhout 34B, mijn rekening", "ik woon op [adres], mijn rekening"),
        ("mijn adres is Dam 1", "mijn adres is [adres]"),
        ("adres: Coolsingel 40 in Rotterdam", "adres: [adres] in Rotterdam"),
        ("postcode 3512 AB", "postcode 3512"),
        ("postcode 3512AB", "postcode 3512"),
    ],
)
def test_personal_data_is_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ik ben 45 jaar en woon in 8011",
        "ik verdien 123456789 euro",  # nine digits that fail the 11-proef are not a BSN
        "ik werk 32 uur per week",
        "ik woon in Utrecht en ben 45",
        "ik woon op 3 hoog",
        "mbo 2 in 2019 gehaald",
    ],
)
def test_ordinary_text_stays(text: str) -> None:
    assert redact(text) == text


def test_bsn_eleven_test() -> None:
    assert is_bsn("111222333")
    assert not is_bsn("111222334")
    assert not is_bsn("000000000")


def test_invalid_iban_checksum_is_not_redacted() -> None:
    assert redact("code NL00ABNA0417164300") == "code NL00ABNA0417164300"
