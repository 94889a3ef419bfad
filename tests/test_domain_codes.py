"""The stable codes other tools rely on, and the search normalisation."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.codes import (
    CONVERSATION_KINDS,
    OFFER_KINDS,
    TARGET_GROUPS,
    VOCABULARIES,
    check_code,
)
from app.domain.errors import ValidationError
from app.domain.search import citizen_search_text, search_terms


def test_the_documented_codes_are_exactly_these() -> None:
    assert list(TARGET_GROUPS) == [
        "dagpenge",
        "kontanthjaelp_jobparat",
        "kontanthjaelp_aktivitetsparat",
        "uddannelseshjaelp_uddannelsesparat",
        "uddannelseshjaelp_aktivitetsparat",
        "sygedagpenge",
        "jobafklaring",
        "ressourceforloeb",
        "ledighedsydelse",
        "fleksjob",
        "revalidering",
        "foertidspension",
        "integration",
        "selvforsoergende",
    ]
    assert list(OFFER_KINDS) == [
        "virksomhedspraktik",
        "loentilskud_privat",
        "loentilskud_offentlig",
        "oevrig_vejledning_opkvalificering",
        "ordinaer_uddannelse",
        "jobrettet_uddannelse",
        "voksenlaerling",
        "nytteindsats",
        "mentor",
        "ips",
        "andet",
    ]
    assert list(CONVERSATION_KINDS) == ["jobsamtale", "opfoelgning", "afklaring", "andet"]


def test_unknown_code_names_the_vocabulary_and_the_allowed_values() -> None:
    with pytest.raises(ValidationError) as info:
        check_code("target_group", "kontanthjælp")
    text = str(info.value)
    assert "target group" in text and "'kontanthjælp'" in text and "dagpenge" in text
    assert check_code("channel", "video") == "video"


def test_unknown_code_message_is_translated_with_its_vocabulary_name() -> None:
    from app import i18n

    with pytest.raises(ValidationError) as info:
        check_code("offer_kind", "praktik")
    i18n.set_language("da")
    assert i18n.translate_error(info.value).startswith("Ukendt tilbudstype 'praktik'")


def test_every_vocabulary_has_a_label_for_every_code() -> None:
    for name, vocabulary in VOCABULARIES.items():
        assert all(label.strip() for label in vocabulary.values()), name


def test_search_text_matches_name_cpr_and_birth_date_forms() -> None:
    text = citizen_search_text("Søren", "Ærø-Hansen", "0302901234", date(1990, 2, 3))
    for term in [
        "søren",
        "ærø-hansen",
        "0302901234",
        "030290-1234",
        "1990-02-03",
        "03.02.1990",
        "03-02-1990",
    ]:
        assert term in text
    assert search_terms("  Søren  3.2.1990 ") == ["søren", "03.02.1990"]
