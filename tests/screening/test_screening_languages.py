"""A Danish, a Swedish, a Norwegian and a German example per review, and language detection."""

from __future__ import annotations

import pytest

from review.protocol import Protocol
from review.screening.engine import screen_work

EXAMPLES = {
    ("crime", "da"): (
        "Effekten af nærpoliti i udsatte boligområder: et kvasieksperimentelt studie",
        "Vi undersøger effekten af en kriminalitetsforebyggende indsats med nærpoliti i almene "
        "boligafdelinger. Kriminaliteten og utrygheden faldt i indsatsområderne sammenlignet med "
        "en kontrolgruppe af tilsvarende boligområder.",
    ),
    ("crime", "sv"): (
        "Grannsamverkan mot brott i utsatta områden: en kvasiexperimentell utvärdering",
        "Studien utvärderar grannsamverkan och trygghetsvandringar i utsatta bostadsområden i "
        "Malmö. Jämfört med en kontrollgrupp av liknande områden minskade inbrotten.",
    ),
    ("crime", "no"): (
        "Natteravner og nabohjelp i levekårsutsatte boområder: en effektevaluering",
        "Vi evaluerte effekten av natteravner og nabohjelp på kriminalitet og trygghet i "
        "levekårsutsatte områder i Oslo, med en kontrollgruppe av sammenlignbare boområder.",
    ),
    ("crime", "de"): (
        "Kriminalprävention im Quartier: Wirkungsevaluation in benachteiligten Stadtteilen",
        "Die Studie untersucht die Wirkung aufsuchender Jugendarbeit und Quartiersläufer auf "
        "Straftaten und das Sicherheitsgefühl. Im Vergleich zu einer Kontrollgruppe sanken die "
        "Straftaten in benachteiligten Stadtteilen Berlins.",
    ),
    ("school", "da"): (
        "Lektiecaféer i udsatte boligområder og elevers karakterer: et randomiseret forsøg",
        "Vi undersøger effekten af lektiehjælp i lektiecaféer i almene boligområder på "
        "elevernes karakterer og skolefravær. Skoler blev ved lodtrækning fordelt til indsats "
        "eller kontrolgruppe.",
    ),
    ("school", "sv"): (
        "Läxhjälp i utsatta områden och elevers betyg: en randomiserad studie",
        "Vi utvärderar läxhjälp för elever i utsatta bostadsområden. Elever lottades till "
        "läxhjälp eller en kontrollgrupp; betygen i matematik förbättrades.",
    ),
    ("school", "no"): (
        "Leksehjelp i levekårsutsatte boområder: effekter på karakterer og frafall",
        "Studien evaluerer en leksehjelpsordning i Groruddalen med en kontrollgruppe av elever "
        "fra sammenlignbare områder. Karakterer og gjennomføring i videregående skole ble målt.",
    ),
    ("school", "de"): (
        "Hausaufgabenhilfe in benachteiligten Stadtteilen: eine randomisierte Studie",
        "Wir untersuchen die Wirkung von Hausaufgabenhilfe und Lernförderung für Kinder in "
        "benachteiligten Quartieren auf Schulleistungen. Schulen wurden randomisiert einer "
        "Kontrollgruppe zugeteilt.",
    ),
    ("labour", "da"): (
        "Fremskudt beskæftigelsesindsats i udsatte boligområder: en effektevaluering",
        "Vi evaluerer effekten af en fremskudt beskæftigelsesindsats med jobvejledning i almene "
        "boligafdelinger på beboernes beskæftigelse og selvforsørgelse, sammenlignet med en "
        "kontrolgruppe.",
    ),
    ("labour", "sv"): (
        "Arbetsmarknadsinsatser i utsatta områden: effekter på sysselsättning",
        "Studien utvärderar jobbcoacher och arbetsmarknadsinsatser för arbetslösa i utsatta "
        "bostadsområden med en jämförelsegrupp. Sysselsättningen ökade.",
    ),
    ("labour", "no"): (
        "Arbeidsmarkedstiltak i Groruddalen: en randomisert evaluering av sysselsetting",
        "Vi evaluerer arbeidstrening og kvalifiseringsprogram for arbeidsledige innvandrere i "
        "områdesatsingen i Groruddalen. Deltakerne ble randomisert; sysselsettingen økte.",
    ),
    ("labour", "de"): (
        "Beschäftigungsförderung in der Sozialen Stadt: eine Wirkungsanalyse",
        "Wir untersuchen Jobcoaching und Qualifizierungsmaßnahmen für Langzeitarbeitslose in "
        "benachteiligten Stadtteilen. Verglichen mit einer Vergleichsgruppe stieg die "
        "Erwerbstätigkeit deutlich.",
    ),
    ("wellbeing", "da"): (
        "Forældreprogrammet De Utrolige År i udsatte boligområder: et randomiseret forsøg",
        "Vi undersøger effekten af forældreprogrammet De Utrolige År for familier i almene "
        "boligområder på børns adfærdsproblemer og trivsel. Familierne blev ved lodtrækning "
        "fordelt til program eller kontrolgruppe.",
    ),
    ("wellbeing", "sv"): (
        "Föräldraprogram i utsatta områden: effekter på barns välbefinnande",
        "Studien utvärderar föräldrastöd och hembesök i utsatta bostadsområden med en "
        "randomiserad design. Barnens välbefinnande förbättrades jämfört med kontrollgruppen.",
    ),
    ("wellbeing", "no"): (
        "Foreldreveiledning og hjemmebesøk i levekårsutsatte områder: en randomisert studie",
        "Vi evaluerte ICDP-foreldreveiledning og hjemmebesøk fra helsestasjonen i "
        "levekårsutsatte boområder. Barnas trivsel og foreldreferdigheter ble sammenlignet med "
        "en kontrollgruppe.",
    ),
    ("wellbeing", "de"): (
        "Elterntraining in benachteiligten Stadtteilen: eine randomisierte Studie",
        "Wir untersuchen die Wirkung von Elternkursen und Hausbesuchen (Frühe Hilfen) in "
        "benachteiligten Quartieren auf Verhaltensauffälligkeiten und das Wohlbefinden der "
        "Kinder, verglichen mit einer Kontrollgruppe.",
    ),
}


@pytest.mark.parametrize(("review", "language"), sorted(EXAMPLES))
def test_nordic_and_german_examples_are_included(
    review: str, language: str, protocols: dict[str, Protocol]
) -> None:
    title, abstract = EXAMPLES[(review, language)]
    result = screen_work(protocols[review].rules, title=title, abstract=abstract, language=language)  # type: ignore[arg-type]
    assert (result.decision, result.reasons[0]) == ("include", "I-PICOS")


@pytest.mark.parametrize(
    ("review", "language"), [("crime", "da"), ("school", "sv"), ("labour", "no")]
)
def test_language_is_detected_when_missing(
    review: str, language: str, protocols: dict[str, Protocol]
) -> None:
    title, abstract = EXAMPLES[(review, language)]
    result = screen_work(protocols[review].rules, title=title, abstract=abstract)  # type: ignore[arg-type]
    # the detected language is a fact a reviewer can see, not a tag on (nearly) every decision
    assert result.decision == "include" and not any(r.startswith("T-") for r in result.reasons)
    assert {
        "block": "prescreen",
        "term": f"language={language}",
        "field": "detected",
    } in result.matches


def test_detected_foreign_language_is_excluded(protocols: dict[str, Protocol]) -> None:
    result = screen_work(
        protocols["crime"].rules,  # type: ignore[arg-type]
        title="La police de proximité dans les quartiers prioritaires: une évaluation",
        abstract="Nous évaluons l'effet de la police de proximité sur la délinquance dans les "
        "quartiers prioritaires de la politique de la ville, avec un groupe témoin.",
    )
    assert result.reasons == ("E-LANG",)
    assert {"block": "prescreen", "term": "language=fr", "field": "detected"} in result.matches
