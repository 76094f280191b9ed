"""Uploaded file names, round d (review r12d F07, F08; 2.129.040(b), 040(k)).

Invariant: a file named for a residence permit in any language of the pack, a disguised green card
(``grean_card``, ``GC_front``) or an A-number itself (``A123456789.pdf``) is the document it names;
a file named as a publication about a topic (a handbook on immigrants' rights, a "passport to
fitness" flyer) is not a person's document and passes (a false refusal keeps a parent's upload out).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import collection

NAMED_FOR_STATUS = ["residence_permit.pdf", "permis de séjour.pdf", "居留证.jpg", "grean_card.jpg", "GC_front.jpg",
                    "A123456789.pdf", "A-123-456-789.png", "居留證.png", "permiso_de_residencia.pdf", "gr33n_card.jpg",
                    "ResidencePermit.jpg"]
PUBLICATIONS = ["Parent_Handbook_Immigration_Rights.pdf", "passport_to_fitness_flyer.pdf",
                "Immigrant Rights Workshop Flyer.pdf", "citizenship_day_brochure.pdf", "folleto_derechos_inmigrantes.pdf",
                "visa_card_rewards_newsletter.pdf"]


def _effect(guard, filename: str, scope: str = "city") -> str:
    reading = collection.read({}, "form", files={"upload": [filename]})
    return str(collection.check(guard, reading, scope=scope, requester="public").decision.effect)


@pytest.mark.parametrize("filename", NAMED_FOR_STATUS)
def test_a_file_named_for_a_status_document_or_an_a_number_is_refused_040b(guard, filename: str) -> None:
    assert _effect(guard, filename) == "block", filename
    assert _effect(guard, filename, scope="schools") == "block", filename


@pytest.mark.parametrize("filename", PUBLICATIONS)
def test_a_publication_about_a_topic_is_not_a_persons_document(guard, filename: str) -> None:
    assert _effect(guard, filename) != "block", filename


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(digits=st.text("0123456789", min_size=8, max_size=9), sep=st.sampled_from(["", "-"]),
       tail=st.sampled_from(["", "_front", " (1)", "_scan"]), ext=st.sampled_from([".pdf", ".jpg", ".png"]))
def test_any_a_number_as_a_file_name_is_refused_040b(guard, digits: str, sep: str, tail: str, ext: str) -> None:
    number = f"A{sep}{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"
    assert _effect(guard, number + tail + ext) == "block", number + tail + ext


TOPICS = ["immigration", "green_card", "passport", "citizenship", "visa", "immigrant_rights"]
NOUNS = ["flyer", "handbook", "brochure", "newsletter", "pamphlet", "folleto", "depliant"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topic=st.sampled_from(TOPICS), noun=st.sampled_from(NOUNS),
       title=st.sampled_from(["fitness", "parent", "spring_fair", "library", "know_your", "family_night"]),
       order=st.permutations([0, 1, 2]), sep=st.sampled_from(["_", " ", "-"]))
def test_a_publication_with_a_title_of_its_own_is_not_a_persons_document(guard, topic: str, noun: str, title: str,
                                                                        order: list[int], sep: str) -> None:
    parts = [[topic, noun, title][i] for i in order]
    name = sep.join(p.replace("_", sep) for p in parts) + ".pdf"
    assert _effect(guard, name) != "block", name


@pytest.mark.parametrize("topic", TOPICS[:5])
@pytest.mark.parametrize("noun", NOUNS[:3])
def test_the_subject_and_a_publication_noun_alone_is_still_the_subject_040b(guard, topic: str, noun: str) -> None:
    """``citizenship_flyer.pdf``: no title beyond the protected term (the subject asked alone)."""
    assert _effect(guard, f"{topic}_{noun}.pdf") == "block"
