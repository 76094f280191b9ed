"""What a citizenship / immigration-status *value* is made of — the only values the 8 U.S.C. §1373
carve-out (2.129.070) may release to a federal officer.

The carve-out concerns "information regarding the citizenship or immigration status" of a person.
A value stored under a status key may be anything an app put there: "Lawful permanent resident",
but also "held at Middlesex jail", "pending release", "released 11/29", "works at Acme Ltd",
"Elm St 77", a person's name. Recognising every *other* kind of information by its shape fails
open on the next shape nobody listed, so the test is an **allow-list**: a value is a status value
only when every word of it is a word status values are written with (below, in the languages of
the Cambridge pack), a visa class or immigration-form number (``H-1B``, ``F-1``, ``I-485``), or a
yes/no/unknown answer. Anything else — a place, a time, a custody word, an employer, a name, a
word this list does not know — makes the value "not a status": it is withheld like any other
field (fail closed).

The list is deliberately narrow. Words that reveal more than status are left out even when they
occur in status phrases: ``removal`` / ``proceedings`` / ``deportation`` (hearing information),
``detained`` / ``custody`` / ``release`` (incarceration status, pending release), nationalities
and country names (national origin). A real status value the list does not know is withheld from
a federal officer — the city may withhold it; it may not leak the rest.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

#: words status values are written with, accents removed, case folded
STATUS_WORDS: frozenset[str] = frozenset("""
us usa u s united states america american americans citizen citizens citizenship national nationals
non noncitizen noncitizens naturalized naturalised naturalization naturalisation born birth birthright derived
derivative acquired dual lawful lawfully legal legally permanent permanently resident residents residence
residency conditional conditionally lpr lprs green card cardholder holder holders asylee asylees asylum
seeker seekers applicant applicants application applied granted pending approved denied refugee refugees
parolee parolees parole paroled humanitarian daca dreamer dreamers deferred action childhood arrivals arrival
tps temporary temporarily protected protection status visa visas nonimmigrant immigrant immigrants recipient recipients beneficiary
alien aliens undocumented documented documents document unauthorized unauthorised authorized authorised
authorization authorisation unlawful unlawfully illegal illegally present presence overstay overstayed
expired valid current currently none unknown undisclosed undetermined unverified verified declined answer
answered yes no y n na true false other student students worker workers work employment permit exchange
visitor visitors tourist spouse fiance fiancee dependent dependents family victim juvenile special
immigration entrant entry ewi entered without inspection inspected admitted admission adjustment adjusting
adjusted renewal renewed sponsored sponsor lottery diversity investor tn td t
a an the of with without in on for by and or to as not
ciudadano ciudadana ciudadanos ciudadanas ciudadania estadounidense estadounidenses residente residentes
residencia permanente permanentes legales indocumentado indocumentada indocumentados indocumentadas sin
papeles documentos documentado documentada asilado asilada asilo solicitante refugiado refugiada
naturalizado naturalizada tarjeta verde estatus estado migratorio migratoria protegido temporal pendiente
permiso trabajo inmigrante inmigrantes extranjero extranjera de la el los las del y o si con en por
cidadao cidada cidadaos cidadania americano americana residencia indocumentado sem visto cartao verde
refugiada naturalizada imigrante estrangeiro estrangeira pendente autorizacao trabalho do da dos das e nao sim
sitwayen sitwayen ameriken rezidan pemanan san papye azil refijye viza kat vet natiralize imigran wi non
citoyen citoyenne citoyens americain americaine resident residente permanent permanente sans papiers asile
demandeur demandeuse refugie refugiee naturalise naturalisee titre sejour carte du le les et oui
""".split())

#: words a *key* of a status value is written with (``citizenship_status``, ``isUSCitizen``,
#: ``IMM_STAT_CD``, ``estatus_migratorio``, ``statut d'immigration``), after ``normalize.tokens``
#: (case folded, accents removed, plural ``s`` folded). The §1373 carve-out covers citizenship /
#: immigration *status* only: a key with any other word — ``detainee``, ``detention``, ``released``,
#: ``transfer``, ``deportation``, ``removal``, ``scheduled``, ``hold``, ``home``, ``work`` — is
#: about custody, release, removal or something else (040(e) information), whatever its value
#: looks like (``yes``, ``true``, ``1``, ``pending``), and is withheld.
STATUS_KEY_WORDS: frozenset[str] = frozenset("""
citizenship citizen citizenry ctzn ctz cit citz immigration immigrant immig immigr imm alien noncitizen
non us usa u s american national naturalized naturalised naturalization naturalisation
status stat st sts statu type typ kind class category cat code cd value val flag flg ind indicator yn
is has was current curr present lawful legal legally permanent resident residency residence lpr
undocumented documented unauthorized authorized daca tps asylum asylee refugee visa parolee
green card holder person subject individual applicant of the student parent guardian mother father spouse child client
ciudadania ciudadano ciudadana estatus estado migratorio migratoria inmigracion situacion condicion
de del la el legal residente cidadania cidadao situacao imigratoria imigracao condicao da do
sitwayennte sitwayen estati imigrasyon statut citoyennete citoyen immigration migratoire d l
""".split()) | frozenset(str(i) for i in range(10))

_PAROLE = frozenset({"parole", "paroled", "parolee", "parolees"})
#: "parole" alone may be criminal parole (a release, 040(e)); released only when qualified
_PAROLE_QUALIFIERS = frozenset({"humanitarian", "immigration", "place", "ina", "212", "significant", "public",
                                "benefit", "cuban", "haitian", "chnv", "u4u", "ukrainian", "afghan", "ohs",
                                "humanitaria", "humanitario", "imigracao", "inmigracion", "migratorio"})


#: visa classes and immigration form numbers: H-1B, F-1, J-1, L-1A, EB-5, IR-1, I-485, I-821D, N-400
_CODE = re.compile(r"(?:[a-v]-?\d{1,2}[a-c]?|eb-?[1-5]|ir-?[1-5]|cr-?[12]|sb-?1|i-?\d{2,3}[a-z]?|n-?[46]00|ds-?2019)")
_TOKENS = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)

#: the most words and characters a status value has ("not a lawful permanent resident of the U.S.")
MAX_STATUS_WORDS = 10
MAX_STATUS_CHARS = 80


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=16384)
def _is_status_text(text: str) -> bool:
    s = _fold(text).strip()
    if not s:
        return True
    if len(s) > MAX_STATUS_CHARS or "\n" in s or "\r" in s or "@" in s:
        return False
    s = s.replace("u.s.a.", "usa").replace("u.s.", "us").replace("n/a", "na")
    tokens = _TOKENS.findall(s)
    if len(tokens) > MAX_STATUS_WORDS:
        return False
    # anything but words and light punctuation ("(", ")", ",", "/", ".") is not a status
    rest = _TOKENS.sub(" ", s)
    if re.search(r"[^\s(),./:;'\"-]", rest):
        return False
    if _PAROLE.intersection(tokens) and not _PAROLE_QUALIFIERS.intersection(tokens):
        return False  # "paroled" / "parolee" alone reads as criminal parole: a release
    for tok in tokens:
        if tok in STATUS_WORDS or _CODE.fullmatch(tok):
            continue
        parts = tok.split("-")  # "non-citizen", "U.S.-born", "green-card"
        if len(parts) > 1 and all(p in STATUS_WORDS or _CODE.fullmatch(p) for p in parts):
            continue
        return False
    return True


def is_status_value(value: Any) -> bool:
    """Whether a scalar is a citizenship / immigration-status value and nothing else: ``None``, a
    boolean, ``0`` / ``1``, or a short text every word of which is status vocabulary (see the
    module docstring). The caller separately checks it carries no other protected category."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value in (0, 1)
    if not isinstance(value, str):
        return False
    return _is_status_text(value[: MAX_STATUS_CHARS + 1])


@lru_cache(maxsize=16384)
def is_status_key(name: str) -> bool:
    """Whether a key names a citizenship / immigration status and nothing else: every word of it
    is in :data:`STATUS_KEY_WORDS` (an allow-list, like the values). ``immigration_detainee``,
    ``IMM_DET``, ``immigration_released``, ``deportation_scheduled``, ``immigration_status_home``
    are not: the carve-out never releases what they hold."""
    from ..normalize import tokens

    toks = tokens(str(name))
    return bool(toks) and all(t in STATUS_KEY_WORDS for t in toks)


__all__ = ["MAX_STATUS_CHARS", "MAX_STATUS_WORDS", "STATUS_KEY_WORDS", "STATUS_WORDS", "is_status_key",
           "is_status_value"]
