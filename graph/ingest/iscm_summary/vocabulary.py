"""The assessment's vocabulary: section, theme, category and structure cues, and the words that are
not names."""

from __future__ import annotations

import re

KIND = "iscm-summary"

# ---------------------------------------------------------------- the assessment's vocabulary

# Thematic terms as the assessment words them → theme scheme ids (ontology/iscm.ttl). A term may
# name several themes ("Admission, Control and Enforcement (return/readmission, smuggling, …)").
THEME_VOCABULARY: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"asylum|country of origin information", ("asylum",)),
    (r"refugee", ("refugee-protection",)),
    (r"border", ("border-management",)),
    (r"traffick", ("trafficking-in-persons",)),
    (r"smuggl", ("migrant-smuggling",)),
    (r"\breturn|readmission", ("return-and-readmission",)),
    (r"reintegration", ("reintegration",)),
    (r"(?<!re)integration|inclusion|citizenship|settlement", ("integration",)),
    (r"labou?r (migration|mobility|migrants?)|migrant workers?|overseas employment|recruitment",
     ("labour-migration",)),
    (r"irregular", ("irregular-migration",)),
    (r"\blegal migration|(?<!ir)regular (migration|pathways)|mobility partnerships?|mobility schemes?|free movement"
     r"|visa (liberali[sz]ation|facilitation)", ("legal-migration-and-mobility",)),
    (r"visa|identity management|travel documents?", ("visa-and-identity-management",)),
    (r"\bdata\b|statistic", ("migration-data",)),
    (r"development", ("migration-and-development",)),
    (r"diaspora", ("diaspora",)),
    (r"remittance", ("remittances",)),
    (r"health", ("migration-and-health",)),
    (r"climate|environment|disaster", ("climate-and-environment",)),
    (r"\brights\b", ("migrant-rights",)),
    (r"mixed (migration|movements?|flows?)", ("mixed-migration",)),
    (r"governance|migration (law|legislation|policy|policies|management)|international engagement",
     ("migration-governance",)),
    (r"capacity[- ]building|training", ("capacity-building",)),
)

# Partnership categories as the assessment names them (in bold, or in plain words).
CATEGORY_VOCABULARY: tuple[tuple[str, str], ...] = (
    (r"\biscms?\b|\brcps?\b|inter-?state consultation mechanisms?|consultative process", "iscm"),
    (r"\bigos?\b|inter-?governmental organi[sz]ations?|international organi[sz]ations?|un agencies", "igo"),
    (r"regional (political and economic )?unions?|regional economic communit|\brecs?\b", "regional-union"),
    (r"civil society|\bngos?\b|\bcsos?\b|non-governmental", "civil-society"),
    (r"private sector|business|employers", "private-sector"),
    (r"academi|universit|research institut|think[- ]tanks?", "academia"),
    (r"diaspora", "diaspora"),
)
# The entity's own type in data/ → the category it normally belongs to.
TYPE_CATEGORY = {"iscm": "iscm", "igo": "igo", "regional-union": "regional-union", "eu-body": "regional-union",
                 "civil-society": "civil-society", "private-sector": "private-sector", "academic": "academia",
                 "government-agency": "other"}

# How often a partner takes part, strongest first.
INTENSITY_VOCABULARY: tuple[tuple[str, str], ...] = (
    ("official", r"\bofficial(ly)?\b|\bformal(ly)? (associated|agreement|partner)|memorand(um|a) of understanding"),
    ("regular", r"\bregular(ly)?\b|\bclosely\b|\bfrequent(ly)?\b|\bworks? in partnership\b|\bsystematic(ally)?\b"
                r"|\bpermanent(ly)?\b|\bcontinuous(ly)?\b|\bconsistently\b"),
    ("occasional", r"\boccasional(ly)?\b|\bsometimes\b|\bad hoc\b|\bfrom time to time\b|\bsporadic(ally)?\b"
                   r"|\bcase[- ]by[- ]case\b|depending on needs?|\bon demand\b"),
)

# Structure components: (component, cue). Checked per list item or sentence.
STRUCTURE_VOCABULARY: tuple[tuple[str, str], ...] = (
    ("troika", r"\btroika\b"),
    ("chair", r"\b(co-?)?chair(s|manship|person|ed)?\b(?!\s+troika)|\bpresidency\b"),
    ("steering-committee", r"\bsteering (committee|group|board)\b"),
    ("secretariat", r"\bsecretaria[tl]\b"),
    ("working-group", r"\bworking groups?\b|\bexpert groups?\b|\btask forces?\b|\bthematic groups?\b"),
    ("legal-personality", r"\blegal personality\b|\blegal entity\b|\blegal status\b"),
    ("governing-document", r"\boperating modalities\b|\bterms of reference\b|\brules of procedure\b|\bwork ?plan\b"
                           r"|\bgoverning documents?\b|\bguidelines\b|\baction plan\b|\bcharter\b|\bstatutes?\b"
                           r"|\bstrategy\b|\bdeclaration\b|\bmemorandum of understanding\b"),
    ("other", r"\bfocal points?\b|\bstructures? (of|include)\b|\bbureau\b"),
)
FUNDING_CUE = re.compile(r"\bfund(s|ed|ing)?\b|\bfinanc(e|es|ed|ing)\b|\bfees?\b|\bbudget\b|\bdonations?\b"
                         r"|\bin-kind\b|\bcosts?\b|\bpays?\b|\bpaid\b|\bcontributions? of\b", re.I)
FORMER_MEMBER_CUE = re.compile(r"\bleft\b|\bwithdr[ae]w|\bwithdrawn\b|\bceased to be\b|\bno longer (a )?members?\b"
                               r"|\bexited\b|\bsuspended\b", re.I)
NEW_MEMBER_CUE = re.compile(r"\bbec(a|o)me\b[^.;]*?\bmembers?\b|\bjoined\b|\bwere admitted\b|\bwas admitted\b"
                            r"|\bacceded\b|\bnew members?\b", re.I)
OBSERVER_CUE = re.compile(r"\bobservers?( status)?\b", re.I)
REFERRED_CUE = re.compile(r"\brefer(red|s|ring)? to\b|\bmentioned\b|\bcited\b", re.I)
NEGATION = re.compile(r"\b(not|no|neither|nor|never|without|lacks?)\b", re.I)

SUCCESSION_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "X was launched in 2017 by merging A with B": the successor stands before the cue
    (re.compile(r"\bby (merging|the merger of|a merger of)\b|\bthrough the merger of\b", re.I), "successor-first"),
    # "A and B merged into / merged to form X"
    (re.compile(r"\bmerged (into|to form|to create|forming)\b", re.I), "predecessor-first"),
    (re.compile(r"\b(is|was|became|as) the successor (of|to)\b|\bsucceeded\b(?! by)|\breplaced\b(?! by)"
                r"|\bsuperseded\b(?! by)|\bevolved from\b|\bemerged from\b|\bgrew out of\b|\bformerly( known as)?\b"
                r"|\bbuilds on\b", re.I), "successor-first"),
    (re.compile(r"\b(succeeded|replaced|superseded) by\b|\b(was|were) renamed\b|\bbecame\b|\bevolved into\b"
                r"|\b(is|was) the predecessor (of|to)\b|\btransformed into\b", re.I), "predecessor-first"),
)

SECTION_KINDS: tuple[tuple[str, str], ...] = (
    ("contribution", r"contribution"),
    ("partnership", r"partnership|cooperation|synerg"),
    ("value", r"added value|value of membership|\bvalue\b|survey"),
    ("structure", r"structure|funding|organi[sz]ation|governance"),
    ("evolution", r"evolution|thematic|programm?ing|focus|history|background"),
)
LEVELS = (
    (r"\(?inter\)?-?\s*regional|sub-?regional|regional|continental", "regional"),
    (r"national|bilateral", "national"),
    (r"global|international|multilateral", "global"),
)
LEVEL_LABEL = re.compile(r"^\s*(?P<label>\(inter\)\s*regional|inter-?regional|sub-?regional|regional|national|"
                         r"bilateral|global|international|continental|multilateral)(\s+level)?\s*:\s*", re.I)

# ---------------------------------------------------------------- words that are not names

def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\S+", text))


CONNECTORS = frozenset({"of", "for", "on", "and", "the", "de", "du", "des", "la", "le", "et", "y", "del", "di",
                        "und", "&"})
LEADING = _words(
    "the a an in on at by for from with through since as among regarding while whereas currently also "
    "additionally moreover furthermore however although following during after before under via within "
    "both other others some many most all each its their this these that those it they one two three four "
    "five six seven eight nine ten several recent new former further finally first second third lastly "
    "thus hence therefore besides notably particularly especially instead meanwhile similarly overall "
    "according if when where whose which what relevant potential such any every another our")
GENERIC = _words(
    "iscm iscms rcp rcps igo igos ngo ngos cso csos member members state states country countries chair "
    "chairs chairmanship chairperson troika steering committee secretariat technical working group groups "
    "work plan plans senior officials official observer observers national regional interregional global "
    "international focal point points panel process processes government governments partner partners "
    "ministerial conference conferences meeting meetings summit website survey surveys questionnaire "
    "questionnaires assessment report strategy review deliverable deliverables guidelines declaration "
    "action terms reference rules procedure annual forum dialogue mechanism mechanisms consultation "
    "consultations inter migration asylum refugees border management programme program project projects "
    "agenda framework presidency bureau unit support diaspora academia private sector civil society "
    "universities university research institutions participating delegates representatives experts expert "
    "heads head ministers minister ministry ministries people persons migrants integrated ibm it chairs "
    "vice co membership chf eur usd gbp")
TITLE_NOUNS = _words(
    "plan plans framework declaration strategy agenda guidelines policy compact protocol convention charter "
    "roadmap programme program summit conference deliverables report action")
GROUP_TAIL = _words(
    "states state members member countries partners governments delegations representatives officials "
    "authorities")
GEOGRAPHY = _words(
    "central eastern western northern southern north south east west europe european africa african asia "
    "asian america americas american latin caribbean pacific middle balkans caucasus mediterranean gulf "
    "horn sahel region regions and of the")
PARTICIPLE_SUFFIX = re.compile(r"^(?P<head>.+?)-(funded|based|led|financed|sponsored|supported|run|managed|owned|"
                               r"related|specific|wide|level|driven|hosted|chaired|initiated)$")
WORD = re.compile(r"[^\W\d_](?:[\w'’/&.-]*\w)?")
POSSESSIVE = re.compile(r"['’]s?$")
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
FOOTNOTE_LINE = re.compile(rf"^\s*[{SUPERSCRIPTS}]+\s*\S")
PAGE_NUMBER_LINE = re.compile(r"^\s*(page\s*)?\d{1,3}\s*$", re.I)
HEADING = re.compile(r"^\s*(?P<num>\d{1,2})[.)]\s+(?P<title>\S.{2,200}?)\s*$")
NAME_LINE = re.compile(r"^\s*Name of the inter-?\s*state consultation mechanism[^:]*:\s*(?P<name>.+?)\s*$", re.I)
ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "no", "nos", "mr", "mrs", "ms", "dr", "st", "vs", "approx", "incl",
                           "cf", "art", "para", "fig", "u.s", "u.k", "jr", "sr"})
