#!/usr/bin/env python3
"""Deterministic generator for the Overstap seed course catalog (data/catalog/courses.yml).

All records are demo data: providers, prices, dates and locations are invented.
Higher-education records take a real programme name and CROHO code from
/work/shared/data/croho/crohocode.yml; town coordinates come from data/lexicon/places.yml.
Run:  .venv/bin/python data/catalog/make_courses.py
The output is byte-identical on every run (fixed seed, no clock, no set ordering).
"""

import random
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PLACES_FILE = ROOT / "data" / "lexicon" / "places.yml"
CROHO_FILE = Path("/work/shared/data/croho/crohocode.yml")
OUT_FILE = HERE / "courses.yml"

SEED = 20261101
UPDATED = "2026-11-01"
SRC_DEMO = "voorbeelddata: verzonnen record voor demo en tests"
SRC_CROHO = (
    "voorbeelddata: naam en CROHO-code uit het CROHO-register, aanbieder en aanbod verzonnen"
)
URL_BASE = "https://example.org/overstap-demo/"

FORBIDDEN = ("betreffende", "middels", "teneinde", "verstrekken", "indien", "tevens", "reeds")

# Towns per province (all must exist in places.yml with this province id).
TOWNS = {
    "groningen": ["Groningen", "Hoogezand", "Winschoten", "Stadskanaal", "Veendam", "Delfzijl"],
    "friesland": ["Leeuwarden", "Drachten", "Heerenveen", "Sneek", "Dokkum", "Joure"],
    "drenthe": ["Assen", "Emmen", "Hoogeveen", "Meppel", "Coevorden", "Beilen"],
    "overijssel": [
        "Zwolle",
        "Enschede",
        "Deventer",
        "Hengelo",
        "Almelo",
        "Hardenberg",
        "Oldenzaal",
    ],
    "flevoland": ["Almere", "Lelystad", "Emmeloord", "Dronten", "Zeewolde"],
    "gelderland": [
        "Arnhem",
        "Nijmegen",
        "Apeldoorn",
        "Ede",
        "Doetinchem",
        "Harderwijk",
        "Zutphen",
        "Tiel",
    ],
    "utrecht": ["Utrecht", "Amersfoort", "Veenendaal", "Nieuwegein", "Zeist"],
    "noord-holland": [
        "Amsterdam",
        "Haarlem",
        "Alkmaar",
        "Zaandam",
        "Hoofddorp",
        "Hilversum",
        "Hoorn",
        "Purmerend",
    ],
    "zuid-holland": [
        "Rotterdam",
        "Den Haag",
        "Leiden",
        "Dordrecht",
        "Zoetermeer",
        "Delft",
        "Gouda",
        "Alphen aan den Rijn",
    ],
    "zeeland": ["Middelburg", "Vlissingen", "Goes", "Terneuzen", "Zierikzee", "Hulst"],
    "noord-brabant": [
        "Eindhoven",
        "Tilburg",
        "Breda",
        "'s-Hertogenbosch",
        "Helmond",
        "Oss",
        "Roosendaal",
        "Bergen op Zoom",
    ],
    "limburg": ["Maastricht", "Venlo", "Heerlen", "Sittard", "Roermond", "Weert", "Venray"],
}
PROVINCES = list(TOWNS)

# Invented regional schools (obviously demo names).
ROC_BY_PROVINCE = {
    "groningen": "ROC Noord (voorbeeld)",
    "friesland": "ROC Noord (voorbeeld)",
    "drenthe": "ROC Noord (voorbeeld)",
    "overijssel": "ROC Oost (voorbeeld)",
    "gelderland": "ROC Oost (voorbeeld)",
    "flevoland": "ROC Midden (voorbeeld)",
    "utrecht": "ROC Midden (voorbeeld)",
    "noord-holland": "ROC West (voorbeeld)",
    "zuid-holland": "ROC West (voorbeeld)",
    "zeeland": "ROC Zuid (voorbeeld)",
    "noord-brabant": "ROC Zuid (voorbeeld)",
    "limburg": "ROC Zuid (voorbeeld)",
}
REGION = {
    "groningen": "Noord",
    "friesland": "Noord",
    "drenthe": "Noord",
    "overijssel": "Oost",
    "gelderland": "Oost",
    "flevoland": "Midden",
    "utrecht": "Midden",
    "noord-holland": "West",
    "zuid-holland": "West",
    "zeeland": "Zuid",
    "noord-brabant": "Zuid",
    "limburg": "Zuid",
}
HOGESCHOOL = "Hogeschool Voorbeeld"
UNIVERSITEIT = "Universiteit Voorbeeld"
TAALHUIS = "Taalhuis bibliotheek (voorbeeld)"
ONLINE_ACADEMIE = "Online Leerplatform (voorbeeld)"

# Default RIO category per sector.
CATEGORY = {
    "zorg": "healthcare_and_sport",
    "kinderopvang": "behavior_and_society",
    "onderwijs": "education",
    "techniek": "technology_and_ict",
    "metaal": "technology_and_ict",
    "installatie": "technology_and_ict",
    "bouw": "technology_and_ict",
    "ict": "technology_and_ict",
    "logistiek": "transport_and_logistics",
    "horeca": "tourism_hospitality_and_recreation",
    "detailhandel": "economy",
    "groen": "agriculture_food_and_natural_environment",
    "administratie": "business_and_project_support",
    "schoonmaak": "business_and_project_support",
    "beveiliging": "security_and_defense",
    "mobiliteit": "transport_and_logistics",
    "basisvaardigheden": "language_and_culture",
}

# kind -> (OOAPI level, default NLQF)
KINDS = {
    "entree": ("secondary vocational education 1", "1"),
    "mbo2": ("secondary vocational education 2", "2"),
    "mbo3": ("secondary vocational education 3", "3"),
    "mbo4": ("secondary vocational education 4", "4"),
    "cert": ("undefined", "2"),
    "basis": ("undefined", "1"),
    "zij": ("undefined", "6"),
    "ad": ("associate degree", "5"),
    "ba": ("bachelor", "6"),
    "ma": ("master", "7"),
}
MBO_KINDS = ("entree", "mbo2", "mbo3", "mbo4")
HO_KINDS = ("ad", "ba", "ma", "zij")

TEMPLATES = []


def T(
    sector,
    kind,
    title,
    kw,
    learn,
    work,
    n=1,
    online=0,
    pin=(),
    nlqf=None,
    code=None,
    croho=None,
    cat=None,
    prov=None,
    price=None,
    dur=None,
    load=None,
    slug=None,
    extra=None,
):
    """Register one course template; it becomes n located records plus `online` online records.

    learn: list of phrases that complete "Je leert ..."; work: phrase that completes
    "Daarna kun je werken ..." (or None for courses that do not lead to one job).
    """
    if croho is not None:
        name, ccode = croho
        if title is None:
            title = name
        code = ccode
    TEMPLATES.append(
        dict(
            sector=sector,
            kind=kind,
            title=title,
            kw=list(kw),
            learn=list(learn),
            work=work,
            n=n,
            online=online,
            pin=list(pin),
            nlqf=nlqf or KINDS[kind][1],
            code=code,
            croho=croho,
            cat=cat or CATEGORY[sector],
            prov=prov,
            price=price,
            dur=dur,
            load=load,
            slug=slug,
            extra=extra,
        )
    )


# ----------------------------------------------------------------------------- templates
# zorg
T(
    "zorg",
    "entree",
    "Assistent dienstverlening en zorg (entree)",
    ["zorg", "entree", "assistent", "dienstverlening", "welzijn"],
    ["eenvoudige taken in zorg en schoonmaak doen", "mensen helpen met kleine taken"],
    "in een zorginstelling of woonzorgcentrum",
    n=3,
)
T(
    "zorg",
    "mbo2",
    "Helpende Zorg en Welzijn (mbo 2)",
    ["helpende", "zorg", "welzijn", "verzorging", "zorghulp"],
    ["mensen helpen bij wassen en eten", "zorgen voor een schoon en fijn huis"],
    "in de thuiszorg of een verpleeghuis",
    n=3,
    pin=["Zwolle", "Deventer", "Enschede", "Almelo", "Hengelo"],
    code="25498",
    slug="helpende-zw",
)
T(
    "zorg",
    "mbo3",
    "Verzorgende IG (mbo 3)",
    ["verzorgende", "verzorging", "zorg", "ouderenzorg", "thuiszorg", "vig"],
    ["mensen verzorgen en medicijnen geven", "zorgen voor ouderen en zieke mensen"],
    "in de ouderenzorg of thuiszorg",
    n=6,
    online=1,
    slug="verzorgende-ig",
)
T(
    "zorg",
    "mbo4",
    "Verpleegkundige (mbo 4)",
    ["verpleging", "verpleegkundige", "zorg", "ziekenhuis", "verpleegkunde"],
    ["zieke mensen verplegen en begeleiden", "wondzorg, medicijnen en goed observeren"],
    "in een ziekenhuis, verpleeghuis of de wijk",
    n=6,
    online=1,
)
T(
    "zorg",
    "mbo3",
    "Medewerker maatschappelijke zorg (mbo 3)",
    ["maatschappelijke zorg", "begeleider", "zorg", "gehandicaptenzorg", "ggz"],
    ["mensen begeleiden in hun dagelijks leven"],
    "in de gehandicaptenzorg of de ggz",
    n=3,
)
T(
    "zorg",
    "mbo4",
    "Doktersassistent (mbo 4)",
    ["doktersassistent", "huisarts", "zorg", "praktijk", "assistent"],
    ["afspraken plannen en kleine behandelingen doen"],
    "bij een huisarts of in een ziekenhuis",
    n=2,
    online=1,
)
T(
    "zorg",
    "mbo4",
    "Apothekersassistent (mbo 4)",
    ["apothekersassistent", "apotheek", "medicijnen", "zorg"],
    ["medicijnen klaarmaken en uitleg geven"],
    "in een apotheek",
    n=2,
)
T(
    "zorg",
    "cert",
    "EHBO-diploma",
    ["ehbo", "eerste hulp", "reanimatie", "aed", "zorg"],
    ["eerste hulp geven bij een ongeluk", "reanimeren en de AED gebruiken"],
    None,
    n=4,
    nlqf="2",
    price=(150, 260),
    dur="P2D",
    load=("hour", 16),
)
T(
    "zorg",
    "cert",
    "Cursus medicijnen veilig geven",
    ["medicijnen", "medicatie", "zorg", "verzorgende"],
    ["medicijnen veilig klaarzetten en geven"],
    None,
    n=1,
    online=1,
    nlqf="3",
    price=(195, 395),
    dur="P6W",
    load=("hour", 24),
    extra="Zo kun je in de zorg meer taken doen.",
)
T(
    "zorg",
    "ba",
    None,
    ["verpleegkunde", "verpleegkundige", "hbo", "zorg", "ziekenhuis"],
    ["complexe zorg geven en zorg regelen"],
    "als hbo-verpleegkundige",
    n=2,
    online=1,
    croho=("Verpleegkunde", "39283"),
)
T(
    "zorg",
    "ba",
    None,
    ["verpleegkundige", "verpleging", "hbo", "zorg", "deeltijd"],
    ["verplegen op hbo-niveau naast je werk"],
    "in het ziekenhuis of de wijkverpleging",
    n=1,
    croho=("Opleiding tot Verpleegkundige", "34560"),
)
T(
    "zorg",
    "ba",
    None,
    ["management", "zorg", "leidinggeven", "hbo", "zorgmanagement"],
    ["een team en zorgproces leiden"],
    "als teamleider of manager in de zorg",
    n=1,
    online=1,
    croho=("Management in de Zorg", "34538"),
)
T(
    "zorg",
    "ba",
    None,
    ["social work", "sociaal werk", "welzijn", "hulpverlening", "hbo"],
    ["mensen helpen met problemen in hun leven"],
    "als sociaal werker of hulpverlener",
    n=2,
    online=1,
    croho=("Social Work", "34116"),
    cat="behavior_and_society",
)
T(
    "zorg",
    "ad",
    None,
    ["praktijkondersteuner", "huisarts", "zorg", "associate degree"],
    ["patiënten met een chronische ziekte begeleiden"],
    "als praktijkondersteuner bij de huisarts",
    n=1,
    croho=("Praktijkondersteuner in de Zorg", "80025"),
)
T(
    "zorg",
    "ma",
    None,
    ["verpleegkundig specialist", "master", "zorg", "verpleegkunde"],
    ["zelfstandig diagnoses stellen en behandelen"],
    "als verpleegkundig specialist",
    n=1,
    croho=("Advanced Nursing Practice", "49246"),
)
T(
    "zorg",
    "ma",
    None,
    ["physician assistant", "master", "zorg", "ziekenhuis"],
    ["medische taken van een arts overnemen"],
    "als physician assistant in een ziekenhuis",
    n=1,
    croho=("Physician Assistant", "49115"),
)

# kinderopvang
T(
    "kinderopvang",
    "mbo3",
    "Pedagogisch medewerker kinderopvang (mbo 3)",
    ["kinderopvang", "pedagogisch medewerker", "kinderen", "peuters", "bso", "crèche"],
    ["kinderen verzorgen, spelen en begeleiden", "groepen kinderen veilig laten spelen"],
    "in een kinderdagverblijf of bso",
    n=6,
    online=1,
    slug="pm-kinderopvang",
)
T(
    "kinderopvang",
    "mbo4",
    "Gespecialiseerd pedagogisch medewerker (mbo 4)",
    ["kinderopvang", "pedagogisch medewerker", "kinderen", "jeugd"],
    ["kinderen met extra zorg begeleiden"],
    "in de kinderopvang of jeugdzorg",
    n=3,
)
T(
    "kinderopvang",
    "cert",
    "Kinder-EHBO",
    ["ehbo", "kinderen", "kinderopvang", "eerste hulp", "baby"],
    ["eerste hulp geven aan baby's en kinderen"],
    "in de kinderopvang",
    n=3,
    nlqf="2",
    price=(150, 220),
    dur="P1D",
    load=("hour", 8),
)
T(
    "kinderopvang",
    "cert",
    "Taaleis 3F voor de kinderopvang",
    ["taaleis", "3f", "kinderopvang", "taal", "nederlands"],
    ["Nederlands spreken en schrijven op niveau 3F"],
    "als pedagogisch medewerker",
    n=1,
    online=1,
    nlqf="3",
    price=(295, 450),
    dur="P3M",
    load=("hour", 40),
)
T(
    "kinderopvang",
    "cert",
    "Basiscursus gastouder",
    ["gastouder", "kinderopvang", "kinderen", "thuis"],
    ["veilig op kinderen passen bij jou thuis"],
    "als gastouder",
    n=1,
    online=1,
    nlqf="2",
    price=(175, 350),
    dur="P6W",
    load=("hour", 30),
)
T(
    "kinderopvang",
    "ba",
    None,
    ["kinderopvang", "pedagogiek", "management", "hbo"],
    ["een kinderopvang leiden en coachen"],
    "als manager in de kinderopvang",
    n=1,
    croho=("Pedagogisch Management Kinderopvang", "30012"),
)
T(
    "kinderopvang",
    "ad",
    None,
    ["kinderopvang", "associate degree", "pedagogisch", "coach"],
    ["pedagogisch medewerkers coachen"],
    "als pedagogisch coach",
    n=1,
    online=1,
    croho=("Kinderopvang", "80095"),
)
T(
    "kinderopvang",
    "ad",
    None,
    ["pedagogisch", "kinderen", "onderwijs", "kinderopvang", "associate degree"],
    ["kinderen begeleiden in opvang en school"],
    "in een kindcentrum",
    n=1,
    croho=("Pedagogisch Educatief Professional", "80142"),
)

# onderwijs
T(
    "onderwijs",
    "mbo4",
    "Onderwijsassistent (mbo 4)",
    ["onderwijsassistent", "onderwijs", "school", "klassenassistent", "kinderen"],
    ["de leraar helpen in de klas", "kinderen helpen met lezen en rekenen"],
    "op een basisschool of vo-school",
    n=5,
    online=1,
)
T(
    "onderwijs",
    "zij",
    "Zij-instroom leraar basisonderwijs",
    ["zij-instroom", "leraar", "basisonderwijs", "pabo", "juf", "meester", "onderwijs"],
    ["lesgeven terwijl je al voor de klas staat"],
    "als leraar op een basisschool",
    n=3,
    price=(5200, 5200),
    dur="P2Y",
    load=("ects", 60),
    slug="zij-instroom-po",
)
T(
    "onderwijs",
    "zij",
    "Zij-instroom leraar voortgezet onderwijs",
    ["zij-instroom", "leraar", "voortgezet onderwijs", "docent", "onderwijs"],
    ["lesgeven in jouw vak op een middelbare school"],
    "als docent in het voortgezet onderwijs",
    n=2,
    price=(5200, 5200),
    dur="P2Y",
    load=("ects", 60),
    slug="zij-instroom-vo",
)
T(
    "onderwijs",
    "ba",
    "Opleiding tot leraar Basisonderwijs (pabo)",
    ["pabo", "leraar basisonderwijs", "leraar", "juf", "meester", "onderwijs"],
    ["lesgeven aan kinderen van 4 tot 12"],
    "als leraar op een basisschool",
    n=3,
    online=1,
    croho=("Opleiding tot leraar Basisonderwijs", "34808"),
    slug="pabo",
)
T(
    "onderwijs",
    "ba",
    None,
    ["pedagogiek", "opvoeding", "jeugd", "onderwijs", "hbo"],
    ["kinderen en ouders helpen bij opvoeden"],
    "in onderwijs of jeugdhulp",
    n=1,
    online=1,
    croho=("Pedagogiek", "35158"),
)
T(
    "onderwijs",
    "ad",
    None,
    ["onderwijsondersteuner", "onderwijs", "mbo", "associate degree"],
    ["lessen voorbereiden en studenten begeleiden"],
    "als onderwijsondersteuner op een mbo-school",
    n=1,
    croho=("Onderwijsondersteuner Zorg & Welzijn", "80059"),
)
T(
    "onderwijs",
    "ma",
    None,
    ["onderwijskunde", "master", "onderwijs", "leren"],
    ["onderzoeken hoe mensen goed leren"],
    "als onderwijskundige of adviseur",
    n=1,
    online=1,
    croho=("Onderwijskunde", "66613"),
)
T(
    "onderwijs",
    "ma",
    None,
    ["onderwijs", "master", "e-learning", "onderwijskunde", "technologie"],
    ["lessen ontwerpen met nieuwe technologie"],
    "als onderwijsontwerper",
    n=1,
    croho=("Educational Science and Technology", "60023"),
)
T(
    "onderwijs",
    "cert",
    "Cursus tussenschoolse opvang",
    ["overblijven", "tso", "school", "kinderen", "onderwijs"],
    ["kinderen begeleiden tijdens de middagpauze"],
    "als overblijfkracht op een basisschool",
    n=1,
    nlqf="2",
    price=(150, 195),
    dur="P3D",
    load=("hour", 12),
)

# techniek
T(
    "techniek",
    "entree",
    "Assistent installatie- en constructietechniek (entree)",
    ["techniek", "entree", "assistent", "monteur", "werkplaats"],
    ["eenvoudig technisch werk doen met gereedschap"],
    "als assistent in de techniek",
    n=3,
)
T(
    "techniek",
    "mbo3",
    "Monteur mechatronica (mbo 3)",
    ["mechatronica", "monteur", "techniek", "machines", "onderhoud"],
    ["machines bouwen, testen en repareren"],
    "in een fabriek of werkplaats",
    n=2,
)
T(
    "techniek",
    "mbo4",
    "Technicus mechatronica (mbo 4)",
    ["mechatronica", "technicus", "techniek", "machines", "automatisering"],
    ["machines programmeren en storingen oplossen"],
    "als technicus in de industrie",
    n=2,
)
T(
    "techniek",
    "mbo3",
    "Operator (mbo 3)",
    ["operator", "procesoperator", "fabriek", "industrie", "techniek"],
    ["productieprocessen in een fabriek bewaken"],
    "als operator in de industrie",
    n=2,
)
T(
    "techniek",
    "mbo4",
    "Technicus engineering (mbo 4)",
    ["engineering", "tekenen", "techniek", "ontwerp", "cad"],
    ["technische tekeningen maken met de computer"],
    "als tekenaar of werkvoorbereider",
    n=2,
)
T(
    "techniek",
    "cert",
    "VCA basis",
    ["vca", "veiligheid", "bouw", "techniek", "certificaat"],
    ["veilig werken op de bouwplaats"],
    "in bouw, techniek of industrie",
    n=4,
    online=1,
    nlqf="2",
    price=(150, 250),
    dur="P1D",
    load=("hour", 8),
)
T(
    "techniek",
    "cert",
    "VCA VOL",
    ["vca", "vca vol", "veiligheid", "leidinggevende", "techniek"],
    ["veilig werken en een ploeg aansturen"],
    "als voorman of leidinggevende",
    n=3,
    online=1,
    nlqf="3",
    price=(225, 395),
    dur="P2D",
    load=("hour", 16),
)
T(
    "techniek",
    "ba",
    None,
    ["werktuigbouwkunde", "machines", "techniek", "hbo", "engineering"],
    ["machines en producten ontwerpen"],
    "als engineer of constructeur",
    n=2,
    online=1,
    croho=("Werktuigbouwkunde", "34280"),
)
T(
    "techniek",
    "ad",
    None,
    ["werktuigbouwkunde", "techniek", "associate degree", "machines"],
    ["technische producten verbeteren en testen"],
    "als engineer in de industrie",
    n=1,
    croho=("Werktuigbouwkunde", "80019"),
)
T(
    "techniek",
    "ba",
    None,
    ["elektrotechniek", "elektronica", "techniek", "hbo", "energie"],
    ["elektronische systemen ontwerpen en testen"],
    "als elektrotechnisch engineer",
    n=2,
    online=1,
    croho=("Elektrotechniek", "34267"),
)
T(
    "techniek",
    "ba",
    None,
    ["mechatronica", "robots", "techniek", "hbo"],
    ["slimme machines en robots maken"],
    "als engineer in de hightech",
    n=1,
    croho=("Mechatronica", "30026"),
)
T(
    "techniek",
    "ba",
    None,
    ["technische bedrijfskunde", "techniek", "bedrijfskunde", "productie", "hbo"],
    ["productieprocessen in een bedrijf verbeteren"],
    "als procesverbeteraar of projectleider",
    n=1,
    croho=("Technische Bedrijfskunde", "34421"),
)
T(
    "techniek",
    "ma",
    None,
    ["mechanical engineering", "werktuigbouwkunde", "master", "techniek"],
    ["complexe machines berekenen en ontwerpen"],
    "als ingenieur of onderzoeker",
    n=1,
    croho=("Mechanical Engineering", "60439"),
)
T(
    "techniek",
    "ma",
    None,
    ["electrical engineering", "elektrotechniek", "master", "techniek"],
    ["geavanceerde elektrische systemen ontwerpen"],
    "als ingenieur of onderzoeker",
    n=1,
    croho=("Electrical Engineering", "60353"),
)

# metaal
T(
    "metaal",
    "mbo2",
    "Lasser (mbo 2)",
    ["lassen", "lasser", "metaal", "staal", "constructie"],
    ["lassen met MIG/MAG en elektrode", "metaal verbinden en goed lassen"],
    "als lasser in de metaal",
    n=4,
)
T(
    "metaal",
    "cert",
    "Basiscursus lassen",
    ["lassen", "lasser", "metaal", "cursus", "beginners"],
    ["de basis van lassen met MIG/MAG"],
    "als beginnend lasser",
    n=4,
    nlqf="2",
    price=(450, 950),
    dur="P6W",
    load=("hour", 40),
)
T(
    "metaal",
    "cert",
    "Vervolgcursus TIG-lassen",
    ["lassen", "lasser", "tig", "rvs", "metaal"],
    ["TIG-lassen van rvs en aluminium"],
    "als allround lasser",
    n=2,
    nlqf="3",
    price=(750, 1450),
    dur="P3M",
    load=("hour", 60),
)
T(
    "metaal",
    "mbo2",
    "Constructiewerker (mbo 2)",
    ["constructiewerker", "metaal", "staal", "constructie", "lassen"],
    ["stalen constructies maken en monteren"],
    "in een metaalbedrijf of staalbouw",
    n=2,
)
T(
    "metaal",
    "mbo2",
    "Plaatwerker (mbo 2)",
    ["plaatwerker", "plaatwerk", "metaal", "zetten", "knippen"],
    ["plaatmetaal knippen, zetten en verbinden"],
    "in een plaatwerkerij",
    n=1,
)
T(
    "metaal",
    "mbo2",
    "Verspaner (mbo 2)",
    ["verspaner", "draaien", "frezen", "metaal", "cnc"],
    ["draaien en frezen van metalen onderdelen"],
    "in een metaalbedrijf",
    n=2,
)
T(
    "metaal",
    "mbo3",
    "Allround CNC-verspaner (mbo 3)",
    ["cnc", "verspaner", "metaal", "programmeren", "frezen"],
    ["CNC-machines instellen en programmeren"],
    "als allround verspaner",
    n=2,
)
T(
    "metaal",
    "mbo3",
    "Allround constructiewerker (mbo 3)",
    ["constructiewerker", "metaal", "lassen", "tekening lezen"],
    ["complexe constructies maken van tekening"],
    "in de staalbouw of machinebouw",
    n=1,
)
T(
    "metaal",
    "mbo4",
    "Technicus productie metaal (mbo 4)",
    ["metaal", "werkvoorbereider", "productie", "techniek"],
    ["productie in de metaal plannen en verbeteren"],
    "als werkvoorbereider of teamleider",
    n=1,
)

# installatie
T(
    "installatie",
    "mbo3",
    "Eerste monteur elektrotechnische installaties (mbo 3)",
    ["elektricien", "elektrotechniek", "installatie", "monteur", "elektra"],
    ["elektrische installaties aanleggen en controleren"],
    "als elektricien of eerste monteur",
    n=5,
    slug="eerste-monteur-elektro",
)
T(
    "installatie",
    "mbo2",
    "Monteur elektrotechnische installaties (mbo 2)",
    ["elektricien", "elektra", "installatie", "monteur"],
    ["stopcontacten, verlichting en groepenkasten aanleggen"],
    "als monteur bij een installatiebedrijf",
    n=3,
    slug="monteur-elektro",
)
T(
    "installatie",
    "mbo2",
    "Monteur werktuigkundige installaties (mbo 2)",
    ["loodgieter", "cv", "installatie", "monteur", "sanitair"],
    ["leidingen, cv en sanitair aanleggen"],
    "als monteur of loodgieter",
    n=2,
    slug="monteur-wtb",
)
T(
    "installatie",
    "mbo3",
    "Eerste monteur werktuigkundige installaties (mbo 3)",
    ["cv-monteur", "installatie", "warmtepomp", "monteur", "klimaat"],
    ["verwarming en ventilatie installeren en onderhouden"],
    "als servicemonteur",
    n=1,
    slug="eerste-monteur-wtb",
)
T(
    "installatie",
    "mbo4",
    "Technicus werktuigkundige installaties (mbo 4)",
    ["installatietechniek", "technicus", "installatie", "duurzaam"],
    ["installaties ontwerpen en berekenen"],
    "als werkvoorbereider of technicus",
    n=1,
)
T(
    "installatie",
    "cert",
    "Cursus warmtepomp installeren",
    ["warmtepomp", "duurzaam", "installatie", "energietransitie", "monteur"],
    ["warmtepompen plaatsen en goed afstellen"],
    "als monteur in de energietransitie",
    n=2,
    online=1,
    nlqf="3",
    price=(650, 1350),
    dur="P6W",
    load=("hour", 32),
)
T(
    "installatie",
    "cert",
    "Cursus zonnepanelen installeren",
    ["zonnepanelen", "pv", "duurzaam", "installatie", "dak"],
    ["zonnepanelen veilig op een dak plaatsen"],
    "als zonnepanelenmonteur",
    n=2,
    nlqf="2",
    price=(395, 795),
    dur="P3D",
    load=("hour", 24),
)
T(
    "installatie",
    "cert",
    "NEN 3140 voldoend onderricht persoon",
    ["nen 3140", "elektra", "veiligheid", "installatie"],
    ["veilig werken aan elektrische installaties"],
    None,
    n=1,
    online=1,
    nlqf="2",
    price=(175, 295),
    dur="P1D",
    load=("hour", 8),
)
T(
    "installatie",
    "ad",
    None,
    ["installatietechniek", "gebouwen", "associate degree", "installatie", "duurzaam"],
    ["installaties in gebouwen ontwerpen"],
    "als installatieadviseur of projectleider",
    n=1,
    croho=("Gebouwgebonden Installatietechniek", "80159"),
)
T(
    "installatie",
    "ad",
    None,
    ["energietechniek", "elektrotechniek", "associate degree", "energie"],
    ["energiesystemen en laadpalen ontwerpen"],
    "in de energietransitie",
    n=1,
    croho=("Elektrotechniek/Energietechniek", "80123"),
)

# bouw
T(
    "bouw",
    "entree",
    "Assistent bouwen, wonen en onderhoud (entree)",
    ["bouw", "entree", "assistent", "onderhoud", "klussen"],
    ["eenvoudige klussen in bouw en onderhoud doen"],
    "als assistent op de bouw",
    n=3,
)
T(
    "bouw",
    "mbo2",
    "Timmerman (mbo 2)",
    ["timmerman", "bouw", "hout", "timmeren"],
    ["kozijnen, deuren en vloeren plaatsen"],
    "als timmerman op de bouw",
    n=3,
)
T(
    "bouw",
    "mbo2",
    "Metselaar (mbo 2)",
    ["metselaar", "bouw", "metselen", "stenen"],
    ["muren metselen en voegen"],
    "als metselaar",
    n=2,
)
T(
    "bouw",
    "mbo2",
    "Schilder (mbo 2)",
    ["schilder", "bouw", "verven", "onderhoud"],
    ["muren en kozijnen voorbereiden en schilderen"],
    "als schilder",
    n=2,
)
T(
    "bouw",
    "mbo3",
    "Allround timmerman (mbo 3)",
    ["timmerman", "bouw", "allround", "hout"],
    ["zelfstandig huizen bouwen en verbouwen"],
    "als allround timmerman",
    n=1,
)
T(
    "bouw",
    "mbo4",
    "Uitvoerder bouw (mbo 4)",
    ["uitvoerder", "bouw", "leidinggeven", "planning"],
    ["een bouwproject plannen en leiden"],
    "als uitvoerder of werkvoorbereider",
    n=2,
)
T(
    "bouw",
    "cert",
    "Cursus steigerbouw",
    ["steiger", "steigerbouwer", "bouw", "veiligheid"],
    ["steigers veilig opbouwen en afbreken"],
    "als steigerbouwer",
    n=1,
    nlqf="2",
    price=(450, 895),
    dur="P5D",
    load=("hour", 40),
)
T(
    "bouw",
    "ba",
    None,
    ["bouwkunde", "bouw", "architectuur", "hbo"],
    ["gebouwen ontwerpen en bouwprojecten leiden"],
    "als bouwkundige of projectleider",
    n=2,
    online=1,
    croho=("Bouwkunde", "34263"),
)
T(
    "bouw",
    "ad",
    None,
    ["bouwkunde", "bouw", "associate degree", "werkvoorbereiding"],
    ["bouwprojecten voorbereiden en tekenen"],
    "als werkvoorbereider of calculator",
    n=1,
    croho=("Bouwkunde", "80034"),
)
T(
    "bouw",
    "ba",
    None,
    ["civiele techniek", "wegen", "bruggen", "bouw", "hbo"],
    ["wegen, bruggen en dijken ontwerpen"],
    "als civiel ingenieur",
    n=1,
    croho=("Civiele Techniek", "34279"),
)
T(
    "bouw",
    "ba",
    None,
    ["bouw", "gebouwde omgeving", "hbo", "stedenbouw"],
    ["duurzaam bouwen en wijken ontwerpen"],
    "als adviseur in de bouw",
    n=1,
    croho=("Built Environment", "39280"),
)
T(
    "bouw",
    "ad",
    None,
    ["bouwmanagement", "bouw", "associate degree", "projectleider"],
    ["bouwprojecten plannen en regelen"],
    "als projectleider in de bouw",
    n=1,
    croho=("Integraal Bouwmanagement", "80121"),
)
T(
    "bouw",
    "ma",
    None,
    ["bouw", "master", "bouwmanagement", "construction"],
    ["grote bouwprojecten leiden en verbeteren"],
    "als manager in de bouw",
    n=1,
    croho=("Construction Management and Engineering", "60337"),
)

# ict
T(
    "ict",
    "mbo3",
    "Medewerker ICT support (mbo 3)",
    ["ict", "helpdesk", "support", "computer", "systeembeheer"],
    ["computers instellen en gebruikers helpen"],
    "op een ict-helpdesk",
    n=3,
    online=1,
)
T(
    "ict",
    "mbo4",
    "Software developer (mbo 4)",
    ["ict", "programmeren", "software", "developer", "computer", "apps"],
    ["websites en apps programmeren"],
    "als programmeur of developer",
    n=4,
    online=1,
)
T(
    "ict",
    "mbo4",
    "Expert IT systems and devices (mbo 4)",
    ["ict", "netwerken", "systeembeheer", "computer", "servers"],
    ["netwerken en servers beheren"],
    "als systeembeheerder",
    n=2,
    online=1,
)
T(
    "ict",
    "cert",
    "Programmeren voor beginners",
    ["programmeren", "python", "ict", "coderen", "computer"],
    ["de basis van programmeren in Python"],
    None,
    n=1,
    online=2,
    nlqf="3",
    price=(195, 495),
    dur="P3M",
    load=("hour", 40),
)
T(
    "ict",
    "cert",
    "Basiscursus cybersecurity",
    ["cybersecurity", "beveiliging", "ict", "hackers", "computer"],
    ["systemen beschermen tegen hackers"],
    "in ict-beheer of security",
    n=1,
    online=1,
    nlqf="4",
    price=(495, 1250),
    dur="P3M",
    load=("hour", 60),
)
T(
    "ict",
    "ba",
    None,
    ["ict", "informatica", "hbo-ict", "programmeren", "computer", "hbo"],
    ["software bouwen en ict-systemen ontwerpen"],
    "als developer of ict-adviseur",
    n=3,
    online=1,
    croho=("HBO-ICT", "30020"),
)
T(
    "ict",
    "ba",
    None,
    ["informatica", "ict", "computer", "programmeren", "hbo"],
    ["programmeren en software ontwerpen"],
    "als softwareontwikkelaar",
    n=1,
    croho=("Informatica", "34479"),
)
T(
    "ict",
    "ba",
    None,
    ["technische informatica", "embedded", "ict", "programmeren", "hbo"],
    ["software voor apparaten en machines maken"],
    "als embedded developer",
    n=1,
    croho=("Technische Informatica", "34475"),
)
T(
    "ict",
    "ba",
    None,
    ["ict", "bedrijfskunde", "informatie", "hbo", "business"],
    ["ict en bedrijf goed laten samenwerken"],
    "als informatieanalist of adviseur",
    n=1,
    online=1,
    croho=("Business IT & Management", "39118"),
)
T(
    "ict",
    "ad",
    None,
    ["ict", "servicemanagement", "associate degree", "beheer"],
    ["ict-diensten regelen en verbeteren"],
    "als ict-servicemanager",
    n=1,
    croho=("IT Service Management", "80024"),
)
T(
    "ict",
    "ma",
    None,
    ["informatica", "computer science", "master", "ict"],
    ["complexe software en algoritmes ontwerpen"],
    "als software-architect of onderzoeker",
    n=1,
    croho=("Computer Science", "60300"),
)
T(
    "ict",
    "ma",
    None,
    ["cybersecurity", "master", "ict", "beveiliging"],
    ["digitale systemen goed beveiligen"],
    "als security-specialist",
    n=1,
    croho=("Cyber Security Engineering", "70207"),
)

# logistiek
T(
    "logistiek",
    "entree",
    "Assistent logistiek (entree)",
    ["logistiek", "magazijn", "entree", "orderpicken"],
    ["goederen pakken, tellen en inpakken"],
    "in een magazijn",
    n=3,
)
T(
    "logistiek",
    "mbo2",
    "Logistiek medewerker (mbo 2)",
    ["logistiek", "magazijn", "magazijnmedewerker", "orderpicker", "heftruck"],
    ["goederen ontvangen, opslaan en verzenden", "werken met scanner en heftruck"],
    "in een magazijn of distributiecentrum",
    n=5,
)
T(
    "logistiek",
    "mbo3",
    "Logistiek teamleider (mbo 3)",
    ["logistiek", "teamleider", "magazijn", "leidinggeven"],
    ["een team in het magazijn leiden"],
    "als teamleider logistiek",
    n=2,
)
T(
    "logistiek",
    "mbo4",
    "Logistiek supervisor (mbo 4)",
    ["logistiek", "supervisor", "planning", "voorraad"],
    ["voorraad en planning in het magazijn regelen"],
    "als supervisor of planner",
    n=1,
    online=1,
)
T(
    "logistiek",
    "cert",
    "Heftruckcertificaat",
    ["heftruck", "vorkheftruck", "magazijn", "heftruckcertificaat", "logistiek"],
    ["veilig rijden en laden met een heftruck"],
    "als heftruckchauffeur in een magazijn",
    n=4,
    nlqf="2",
    price=(195, 375),
    dur="P1D",
    load=("hour", 8),
)
T(
    "logistiek",
    "cert",
    "Vorkheftruck rijbewijs (2 dagen)",
    ["vorkheftruck", "heftruck", "magazijn", "logistiek", "rijbewijs"],
    ["een vorkheftruck veilig besturen"],
    "in een magazijn of op een bouwplaats",
    n=2,
    nlqf="2",
    price=(325, 550),
    dur="P2D",
    load=("hour", 16),
    slug="vorkheftruck-2-dagen",
)
T(
    "logistiek",
    "cert",
    "Reachtruck certificaat",
    ["reachtruck", "heftruck", "magazijn", "logistiek"],
    ["veilig werken met een reachtruck"],
    "in een hoog magazijn",
    n=2,
    nlqf="2",
    price=(225, 425),
    dur="P1D",
    load=("hour", 8),
)
T(
    "logistiek",
    "cert",
    "Elektrische pallettruck en orderpicker",
    ["pallettruck", "orderpicker", "magazijn", "logistiek"],
    ["veilig werken met een elektrische pallettruck"],
    "als orderpicker",
    n=1,
    nlqf="1",
    price=(150, 195),
    dur="P1D",
    load=("hour", 4),
)
T(
    "logistiek",
    "ba",
    None,
    ["logistiek", "logistics", "supply chain", "hbo", "transport"],
    ["goederenstromen slim plannen en regelen"],
    "als logistiek planner of manager",
    n=1,
    croho=("Logistics Management", "35522"),
)
T(
    "logistiek",
    "ba",
    None,
    ["logistiek", "supply chain", "hbo", "inkoop"],
    ["de hele keten van inkoop tot klant regelen"],
    "als supply chain planner",
    n=1,
    online=1,
    croho=("Logistiek en Supply Chain Management", "30100"),
)
T(
    "logistiek",
    "ad",
    None,
    ["logistiek", "associate degree", "planning", "magazijn"],
    ["logistieke processen plannen en verbeteren"],
    "als logistiek coördinator",
    n=1,
    croho=("Logistiek", "80148"),
)
T(
    "logistiek",
    "ma",
    None,
    ["supply chain", "master", "logistiek", "management"],
    ["internationale ketens sturen en verbeteren"],
    "als supply chain manager",
    n=1,
    croho=("Supply Chain Management", "60093"),
)

# horeca
T(
    "horeca",
    "entree",
    "Assistent horeca (entree)",
    ["horeca", "keuken", "bediening", "entree", "afwassen"],
    ["helpen in de keuken en bediening"],
    "in een restaurant of kantine",
    n=2,
)
T(
    "horeca",
    "mbo2",
    "Kok (mbo 2)",
    ["kok", "koken", "keuken", "horeca", "restaurant"],
    ["gerechten bereiden en netjes werken"],
    "als kok in een restaurant",
    n=4,
)
T(
    "horeca",
    "mbo3",
    "Zelfstandig werkend kok (mbo 3)",
    ["kok", "koken", "keuken", "horeca", "chef"],
    ["zelfstandig menu's koken en inkopen"],
    "als zelfstandig kok",
    n=1,
)
T(
    "horeca",
    "mbo2",
    "Gastheer/gastvrouw (mbo 2)",
    ["gastheer", "gastvrouw", "bediening", "horeca", "ober"],
    ["gasten ontvangen en bedienen"],
    "in een hotel, café of restaurant",
    n=2,
    slug="gastheer-gastvrouw",
)
T(
    "horeca",
    "mbo4",
    "Manager/ondernemer horeca (mbo 4)",
    ["horeca", "ondernemer", "manager", "restaurant", "eigen zaak"],
    ["een horecazaak leiden en plannen"],
    "als bedrijfsleider of ondernemer",
    n=1,
    slug="manager-ondernemer-horeca",
)
T(
    "horeca",
    "cert",
    "SVH Sociale Hygiëne",
    ["sociale hygiëne", "svh", "horeca", "drank", "vergunning", "café"],
    ["de regels voor alcohol en veiligheid"],
    "als leidinggevende in een café",
    n=2,
    online=1,
    nlqf="3",
    price=(295, 495),
    dur="P6W",
    load=("hour", 30),
    slug="svh-sociale-hygiene",
)
T(
    "horeca",
    "cert",
    "HACCP en hygiënecode",
    ["haccp", "hygiënecode", "hygiëne", "voedselveiligheid", "keuken", "horeca"],
    ["veilig en schoon werken met voedsel"],
    "in een keuken of kantine",
    n=1,
    online=1,
    nlqf="2",
    price=(150, 245),
    dur="P1D",
    load=("hour", 6),
    slug="haccp-hygienecode",
)
T(
    "horeca",
    "cert",
    "Barista basiscursus",
    ["barista", "koffie", "horeca", "café"],
    ["goede koffie zetten en melk opschuimen"],
    "achter de bar in een koffiezaak",
    n=1,
    nlqf="2",
    price=(150, 195),
    dur="P1D",
    load=("hour", 6),
)
T(
    "horeca",
    "ba",
    None,
    ["hotel", "hotelschool", "horeca", "hospitality", "hbo"],
    ["een hotel of horecabedrijf leiden"],
    "als manager in een hotel",
    n=1,
    croho=("Hotelmanagement", "34923"),
)
T(
    "horeca",
    "ba",
    None,
    ["horeca", "catering", "management", "hbo"],
    ["catering en horeca slim organiseren"],
    "als manager in horeca of catering",
    n=1,
    croho=("Horeca en Catering Management", "39223"),
)
T(
    "horeca",
    "ma",
    None,
    ["hospitality", "master", "hotel", "horeca"],
    ["strategie maken voor gastvrije bedrijven"],
    "als manager in de gastvrijheid",
    n=1,
    croho=("Hospitality Management", "75050"),
)

# detailhandel
T(
    "detailhandel",
    "entree",
    "Assistent verkoop/retail (entree)",
    ["winkel", "verkoop", "retail", "entree", "vakkenvuller"],
    ["vakken vullen en klanten helpen"],
    "in een winkel of supermarkt",
    n=3,
    slug="assistent-verkoop-retail",
)
T(
    "detailhandel",
    "mbo2",
    "Verkoopmedewerker (mbo 2)",
    ["verkoper", "winkel", "verkoop", "detailhandel", "kassa"],
    ["klanten helpen en producten verkopen"],
    "in een winkel of supermarkt",
    n=4,
)
T(
    "detailhandel",
    "mbo3",
    "Eerste verkoper (mbo 3)",
    ["verkoper", "winkel", "detailhandel", "advies"],
    ["klanten adviseren en collega's helpen"],
    "als eerste verkoper",
    n=2,
)
T(
    "detailhandel",
    "mbo4",
    "Manager retail (mbo 4)",
    ["winkelmanager", "filiaalmanager", "retail", "winkel", "leidinggeven"],
    ["een winkel en een team leiden"],
    "als filiaalmanager",
    n=1,
    online=1,
)
T(
    "detailhandel",
    "mbo4",
    "Ondernemer retail (mbo 4)",
    ["eigen winkel", "ondernemer", "retail", "detailhandel"],
    ["een eigen winkel starten en runnen"],
    "als ondernemer in de retail",
    n=1,
)
T(
    "detailhandel",
    "cert",
    "Training kassa en klantcontact",
    ["kassa", "klantcontact", "winkel", "caissière"],
    ["afrekenen en klanten vriendelijk helpen"],
    "achter de kassa",
    n=2,
    nlqf="1",
    price=(150, 175),
    dur="P1D",
    load=("hour", 6),
)
T(
    "detailhandel",
    "cert",
    "Cursus webwinkel starten",
    ["webwinkel", "webshop", "online verkopen", "ondernemer", "retail"],
    ["een webwinkel opzetten en online verkopen"],
    None,
    n=0,
    online=1,
    nlqf="3",
    price=(195, 395),
    dur="P6W",
    load=("hour", 24),
)
T(
    "detailhandel",
    "cert",
    "Cursus visual merchandising",
    ["etalage", "visual merchandising", "winkel", "presentatie"],
    ["producten mooi presenteren in de winkel"],
    "als visual merchandiser",
    n=1,
    nlqf="3",
    price=(395, 695),
    dur="P6W",
    load=("hour", 24),
)
T(
    "detailhandel",
    "ba",
    None,
    ["retail", "winkel", "management", "hbo"],
    ["winkelformules maken en verbeteren"],
    "als retailmanager",
    n=1,
    croho=("Retail Management", "34926"),
)
T(
    "detailhandel",
    "ad",
    None,
    ["retail", "associate degree", "winkel", "management"],
    ["een winkel of regio aansturen"],
    "als storemanager",
    n=1,
    croho=("Retail Management", "80089"),
)
T(
    "detailhandel",
    "ba",
    None,
    ["retail", "ondernemen", "mkb", "hbo"],
    ["een eigen bedrijf of winkel leiden"],
    "als ondernemer of manager",
    n=1,
    croho=("Small Business en Retail Management", "34422"),
)
T(
    "detailhandel",
    "ba",
    None,
    ["marketing", "verkoop", "commerciële economie", "hbo"],
    ["marketing en verkoop slim aanpakken"],
    "in marketing of sales",
    n=1,
    online=1,
    croho=("Commerciële Economie", "34402"),
    cat="economy",
)

# groen
T(
    "groen",
    "entree",
    "Assistent groen en dier (entree)",
    ["groen", "tuin", "dieren", "entree", "buiten werken"],
    ["eenvoudig werk doen in tuinen en met dieren"],
    "bij een hovenier of boerderij",
    n=2,
)
T(
    "groen",
    "mbo2",
    "Medewerker hovenier (mbo 2)",
    ["hovenier", "tuin", "groen", "tuinman", "buiten werken"],
    ["tuinen aanleggen en onderhouden"],
    "als hovenier of groenvoorziener",
    n=3,
)
T(
    "groen",
    "mbo3",
    "Vakbekwaam hovenier (mbo 3)",
    ["hovenier", "tuin", "groen", "tuinontwerp"],
    ["zelfstandig tuinen aanleggen en plannen"],
    "als vakbekwaam hovenier",
    n=2,
)
T(
    "groen",
    "mbo2",
    "Medewerker teelt (mbo 2)",
    ["teelt", "kas", "tuinbouw", "planten", "groen"],
    ["planten en groente telen in de kas"],
    "in de tuinbouw",
    n=2,
)
T(
    "groen",
    "mbo2",
    "Medewerker dierverzorging (mbo 2)",
    ["dieren", "dierverzorger", "dierenasiel", "groen"],
    ["dieren voeren, verzorgen en observeren"],
    "in een dierenpension of asiel",
    n=1,
)
T(
    "groen",
    "cert",
    "Spuitlicentie gewasbescherming",
    ["spuitlicentie", "gewasbescherming", "tuinbouw", "groen"],
    ["veilig werken met gewasbeschermingsmiddelen"],
    "in tuinbouw of groenbeheer",
    n=1,
    online=1,
    nlqf="3",
    price=(395, 650),
    dur="P6W",
    load=("hour", 24),
)
T(
    "groen",
    "cert",
    "Cursus motorkettingzaag",
    ["kettingzaag", "motorkettingzaag", "bomen", "groen", "bos"],
    ["veilig zagen met een motorkettingzaag"],
    "in groenbeheer of bosbouw",
    n=1,
    nlqf="2",
    price=(295, 495),
    dur="P2D",
    load=("hour", 16),
)
T(
    "groen",
    "ba",
    None,
    ["tuinontwerp", "landschap", "groen", "hbo", "hovenier"],
    ["tuinen en parken ontwerpen"],
    "als tuin- of landschapsontwerper",
    n=1,
    croho=("Tuin- en Landschapsinrichting", "34220"),
)
T(
    "groen",
    "ad",
    None,
    ["tuinontwerp", "hovenier", "groen", "associate degree"],
    ["tuinprojecten ontwerpen en leiden"],
    "als projectleider bij een hovenier",
    n=1,
    croho=("Tuin- en Landschapsinrichting", "80068"),
)
T(
    "groen",
    "ba",
    None,
    ["bos", "natuur", "natuurbeheer", "groen", "hbo", "boswachter"],
    ["bos en natuur beheren en beschermen"],
    "als boswachter of natuurbeheerder",
    n=1,
    croho=("Bos- en Natuurbeheer", "34221"),
    cat="nature",
)
T(
    "groen",
    "ba",
    None,
    ["veehouderij", "dieren", "boerderij", "landbouw", "hbo"],
    ["een veebedrijf leiden en verbeteren"],
    "als adviseur of veehouder",
    n=1,
    croho=("Dier- en Veehouderij", "34869"),
)
T(
    "groen",
    "ba",
    None,
    ["water", "land", "groen", "klimaat", "hbo"],
    ["plannen maken voor water en land"],
    "bij een waterschap of adviesbureau",
    n=1,
    croho=("Land- en Watermanagement", "34226"),
)
T(
    "groen",
    "ba",
    None,
    ["tuinbouw", "agribusiness", "groen", "teelt", "hbo"],
    ["over tuinbouw en de handel in planten"],
    "in de tuinbouw of agribusiness",
    n=1,
    croho=("Tuinbouw & Agribusiness", "30024"),
)
T(
    "groen",
    "ma",
    None,
    ["biologische landbouw", "master", "landbouw", "duurzaam"],
    ["duurzame landbouw onderzoeken en verbeteren"],
    "als adviseur of onderzoeker",
    n=1,
    croho=("Organic Agriculture", "69300"),
)

# administratie
T(
    "administratie",
    "mbo2",
    "Medewerker secretariaat en receptie (mbo 2)",
    ["receptie", "secretariaat", "administratie", "kantoor", "telefoon"],
    ["bezoekers ontvangen en de telefoon aannemen"],
    "op een kantoor of receptie",
    n=2,
)
T(
    "administratie",
    "mbo3",
    "Financieel administratief medewerker (mbo 3)",
    ["administratie", "boekhouden", "financieel", "kantoor", "facturen"],
    ["facturen verwerken en boekhouden"],
    "op een financiële administratie",
    n=3,
    online=1,
)
T(
    "administratie",
    "mbo4",
    "Management assistant (mbo 4)",
    ["managementassistent", "secretaresse", "kantoor", "administratie", "office"],
    ["agenda's, vergaderingen en reizen regelen"],
    "als managementassistent",
    n=2,
    online=1,
)
T(
    "administratie",
    "mbo4",
    "Bedrijfsadministrateur (mbo 4)",
    ["administrateur", "boekhouden", "administratie", "financieel"],
    ["jaarcijfers maken en btw regelen"],
    "als administrateur of boekhouder",
    n=1,
    online=1,
)
T(
    "administratie",
    "cert",
    "Basiscursus Excel",
    ["excel", "spreadsheet", "computer", "kantoor", "administratie", "office"],
    ["tabellen, formules en grafieken maken"],
    "op kantoor of in de administratie",
    n=3,
    online=1,
    nlqf="2",
    price=(150, 295),
    dur="P6W",
    load=("hour", 12),
)
T(
    "administratie",
    "cert",
    "Excel voor gevorderden",
    ["excel", "draaitabellen", "computer", "administratie"],
    ["draaitabellen en slimme formules gebruiken"],
    None,
    n=0,
    online=1,
    nlqf="3",
    price=(195, 345),
    dur="P6W",
    load=("hour", 16),
)
T(
    "administratie",
    "cert",
    "Basiscursus boekhouden",
    ["boekhouden", "administratie", "financieel", "facturen"],
    ["de basis van boekhouden en facturen"],
    "op een administratie",
    n=1,
    online=1,
    nlqf="3",
    price=(245, 495),
    dur="P3M",
    load=("hour", 40),
)
T(
    "administratie",
    "cert",
    "Praktijkdiploma loonadministratie",
    ["salarisadministratie", "loonadministratie", "salaris", "administratie", "pdl"],
    ["lonen berekenen en loonstroken maken"],
    "als salarisadministrateur",
    n=1,
    online=1,
    nlqf="4",
    price=(950, 1500),
    dur="P6M",
    load=("hour", 120),
)
T(
    "administratie",
    "ba",
    None,
    ["accountancy", "accountant", "boekhouden", "hbo", "financieel"],
    ["jaarrekeningen controleren en adviseren"],
    "als accountant of controller",
    n=1,
    online=1,
    croho=("Accountancy", "34406"),
    cat="economy",
)
T(
    "administratie",
    "ba",
    None,
    ["bedrijfskunde", "management", "organisatie", "hbo"],
    ["bedrijven beter laten werken"],
    "als adviseur of manager",
    n=2,
    online=1,
    croho=("Bedrijfskunde", "34035"),
    cat="management_and_project_management",
)
T(
    "administratie",
    "ba",
    None,
    ["finance", "control", "financieel", "hbo"],
    ["budgetten maken en cijfers analyseren"],
    "als controller",
    n=1,
    croho=("Finance & Control", "35520"),
    cat="economy",
)
T(
    "administratie",
    "ba",
    None,
    ["hrm", "personeelszaken", "hr", "hbo"],
    ["personeel werven, begeleiden en ontwikkelen"],
    "als hr-adviseur",
    n=1,
    online=1,
    croho=("Human Resource Management", "34667"),
)
T(
    "administratie",
    "ba",
    None,
    ["office management", "secretaresse", "kantoor", "hbo"],
    ["een kantoor en projecten organiseren"],
    "als officemanager",
    n=1,
    croho=("Office Management", "34046"),
)
T(
    "administratie",
    "ad",
    None,
    ["zorgadministratie", "administratie", "zorg", "associate degree"],
    ["declaraties en zorgdossiers regelen"],
    "op de administratie van een zorginstelling",
    n=1,
    croho=("Zorgadministratie", "80163"),
)
T(
    "administratie",
    "ma",
    None,
    ["accounting", "finance", "master", "financieel"],
    ["financiële verslagen analyseren en controleren"],
    "als financieel specialist",
    n=1,
    croho=("Accounting and Finance", "60090"),
    cat="economy",
)

# schoonmaak
T(
    "schoonmaak",
    "cert",
    "Schoonmaakmedewerker",
    ["schoonmaak", "schoonmaker", "schoonmaakmedewerker", "poetsen", "facilitair"],
    ["schoonmaken met de goede middelen en machines", "veilig en snel schoonmaken"],
    "bij een schoonmaakbedrijf",
    n=5,
    nlqf="1",
    price=(150, 395),
    dur="P6W",
    load=("hour", 24),
)
T(
    "schoonmaak",
    "entree",
    "Assistent schoonmaak en facilitair (entree)",
    ["schoonmaak", "facilitair", "entree", "schoonmaker"],
    ["schoonmaken en helpen in een gebouw"],
    "bij een schoonmaakbedrijf",
    n=1,
)
T(
    "schoonmaak",
    "mbo2",
    "Facilitair medewerker (mbo 2)",
    ["facilitair", "schoonmaak", "conciërge", "gebouw"],
    ["schoonmaken, koffie regelen en gasten helpen"],
    "in een kantoor, school of ziekenhuis",
    n=2,
)
T(
    "schoonmaak",
    "mbo4",
    "Leidinggevende facilitaire dienstverlening (mbo 4)",
    ["facilitair", "leidinggevende", "schoonmaak", "teamleider"],
    ["een facilitair team plannen en leiden"],
    "als facilitair leidinggevende",
    n=1,
)
T(
    "schoonmaak",
    "cert",
    "Cursus glazenwassen",
    ["glazenwasser", "ramen", "schoonmaak", "hoogwerker"],
    ["ramen wassen op hoogte"],
    "als glazenwasser",
    n=1,
    nlqf="2",
    price=(250, 450),
    dur="P3D",
    load=("hour", 20),
)
T(
    "schoonmaak",
    "cert",
    "Cursus voorman schoonmaak",
    ["voorman", "schoonmaak", "leidinggeven", "objectleider"],
    ["een schoonmaakploeg begeleiden en controleren"],
    "als voorman of objectleider",
    n=1,
    nlqf="3",
    price=(395, 750),
    dur="P6W",
    load=("hour", 24),
)
T(
    "schoonmaak",
    "cert",
    "Schoonmaken in de zorg",
    ["schoonmaak", "zorg", "hygiëne", "ziekenhuis"],
    ["hygiënisch schoonmaken in zorggebouwen"],
    "in een ziekenhuis of verpleeghuis",
    n=1,
    online=1,
    nlqf="2",
    price=(175, 350),
    dur="P2D",
    load=("hour", 12),
)
T(
    "schoonmaak",
    "ba",
    None,
    ["facility management", "facilitair", "gebouwen", "hbo"],
    ["gebouwen en diensten slim organiseren"],
    "als facility manager",
    n=1,
    croho=("Facility Management", "34500"),
)
T(
    "schoonmaak",
    "ad",
    None,
    ["facility management", "facilitair", "associate degree", "schoonmaak"],
    ["facilitaire diensten plannen en inkopen"],
    "als facilitair coördinator",
    n=1,
    croho=("Facility Management", "80004"),
)

# beveiliging
T(
    "beveiliging",
    "mbo2",
    "Beveiliger (mbo 2)",
    ["beveiliger", "beveiliging", "bewaking", "security", "toezicht"],
    ["gebouwen en mensen beveiligen", "surveilleren en goed reageren bij gevaar"],
    "als beveiliger",
    n=5,
)
T(
    "beveiliging",
    "mbo3",
    "Coördinator beveiliging (mbo 3)",
    ["beveiliging", "coördinator", "security", "leidinggeven"],
    ["een beveiligingsteam plannen en aansturen"],
    "als coördinator beveiliging",
    n=1,
)
T(
    "beveiliging",
    "mbo3",
    "Handhaver toezicht en veiligheid (mbo 3)",
    ["handhaver", "boa", "toezicht", "veiligheid", "gemeente"],
    ["regels handhaven in de openbare ruimte"],
    "als boa of handhaver",
    n=2,
)
T(
    "beveiliging",
    "cert",
    "BHV (bedrijfshulpverlening)",
    ["bhv", "bedrijfshulpverlening", "brand", "ontruimen", "eerste hulp"],
    ["blussen, ontruimen en eerste hulp geven"],
    None,
    n=4,
    online=1,
    nlqf="2",
    price=(175, 295),
    dur="P2D",
    load=("hour", 16),
    slug="bhv",
    extra="Daarna ben je bhv'er bij je werkgever.",
)
T(
    "beveiliging",
    "cert",
    "Evenementenbeveiliger",
    ["evenementen", "beveiliger", "beveiliging", "festival"],
    ["veilig werken op festivals en evenementen"],
    "als evenementenbeveiliger",
    n=1,
    nlqf="2",
    price=(395, 695),
    dur="P6W",
    load=("hour", 40),
)
T(
    "beveiliging",
    "cert",
    "Cursus cameratoezicht",
    ["camera", "cameratoezicht", "meldkamer", "beveiliging"],
    ["camerabeelden volgen en goed melden"],
    "op een meldkamer",
    n=1,
    nlqf="3",
    price=(295, 595),
    dur="P3D",
    load=("hour", 20),
)
T(
    "beveiliging",
    "ba",
    None,
    ["veiligheid", "veiligheidskunde", "crisis", "hbo"],
    ["risico's zien en veiligheid regelen"],
    "bij een gemeente, politie of bedrijf",
    n=1,
    online=1,
    croho=("Integrale Veiligheidskunde", "39268"),
)
T(
    "beveiliging",
    "ba",
    None,
    ["security", "beveiliging", "management", "hbo"],
    ["beveiliging van bedrijven plannen"],
    "als security manager",
    n=1,
    online=1,
    croho=("Security Management", "30105"),
)
T(
    "beveiliging",
    "ma",
    None,
    ["crisis", "security", "master", "veiligheid"],
    ["crises en veiligheidsbeleid onderzoeken"],
    "als adviseur bij de overheid",
    n=1,
    croho=("Crisis and Security Management", "60417"),
)

# mobiliteit
T(
    "mobiliteit",
    "mbo2",
    "Autotechnicus (mbo 2)",
    ["automonteur", "autotechnicus", "auto", "garage", "mobiliteit"],
    ["auto's onderhouden en repareren"],
    "in een garage",
    n=3,
)
T(
    "mobiliteit",
    "mbo3",
    "Eerste autotechnicus (mbo 3)",
    ["autotechnicus", "auto", "garage", "storingen"],
    ["storingen in auto's zoeken en oplossen"],
    "als eerste autotechnicus",
    n=1,
)
T(
    "mobiliteit",
    "mbo4",
    "Technisch specialist personenauto's (mbo 4)",
    ["auto", "technisch specialist", "elektrische auto", "garage"],
    ["moeilijke storingen oplossen, ook bij elektrische auto's"],
    "als specialist in een garage",
    n=1,
    slug="technisch-specialist-auto",
)
T(
    "mobiliteit",
    "mbo2",
    "Chauffeur goederenvervoer (mbo 2)",
    ["chauffeur", "vrachtwagen", "transport", "rijbewijs c"],
    ["vrachtwagen rijden en goederen vervoeren"],
    "als vrachtwagenchauffeur",
    n=2,
)
T(
    "mobiliteit",
    "mbo2",
    "Fietstechnicus (mbo 2)",
    ["fiets", "fietsenmaker", "e-bike", "mobiliteit"],
    ["fietsen en e-bikes repareren"],
    "in een fietsenwinkel",
    n=1,
)
T(
    "mobiliteit",
    "cert",
    "Rijbewijs C (vrachtwagen)",
    ["rijbewijs c", "vrachtwagen", "chauffeur", "transport"],
    ["vrachtwagen rijden en veilig laden"],
    "als vrachtwagenchauffeur",
    n=2,
    nlqf="2",
    price=(950, 1500),
    dur="P3M",
    load=("hour", 40),
    slug="rijbewijs-c",
)
T(
    "mobiliteit",
    "cert",
    "Code 95 nascholing",
    ["code 95", "nascholing", "chauffeur", "vrachtwagen", "bus"],
    ["zuinig en veilig rijden volgens de nieuwe regels"],
    None,
    n=3,
    online=1,
    nlqf="2",
    price=(150, 295),
    dur="P1D",
    load=("hour", 7),
    extra="Zo blijft je code 95 geldig.",
)
T(
    "mobiliteit",
    "cert",
    "Rijbewijs D (bus)",
    ["rijbewijs d", "bus", "buschauffeur", "openbaar vervoer"],
    ["veilig een bus met reizigers besturen"],
    "als buschauffeur",
    n=1,
    nlqf="2",
    price=(1200, 1500),
    dur="P3M",
    load=("hour", 40),
    slug="rijbewijs-d",
)
T(
    "mobiliteit",
    "cert",
    "Veilig werken aan elektrische auto's",
    ["elektrische auto", "ev", "garage", "hoogvolt"],
    ["veilig werken aan hoogvoltsystemen"],
    "in een garage met elektrische auto's",
    n=1,
    nlqf="3",
    price=(395, 795),
    dur="P2D",
    load=("hour", 16),
    slug="veilig-werken-ev",
)
T(
    "mobiliteit",
    "ba",
    None,
    ["automotive", "auto", "techniek", "hbo"],
    ["voertuigen ontwerpen en testen"],
    "als engineer in de autobranche",
    n=1,
    croho=("Automotive", "30018"),
)
T(
    "mobiliteit",
    "ma",
    None,
    ["automotive", "master", "auto", "systemen"],
    ["slimme systemen voor voertuigen ontwerpen"],
    "als automotive engineer",
    n=1,
    croho=("Master of Automotive Systems", "70104"),
)
T(
    "mobiliteit",
    "ba",
    None,
    ["verkeer", "verkeerskunde", "mobiliteit", "hbo"],
    ["verkeer veilig en vlot maken"],
    "als verkeerskundige",
    n=1,
    croho=("Verkeerskunde", "34371"),
)
T(
    "mobiliteit",
    "ba",
    None,
    ["autobranche", "management", "mobiliteit", "hbo"],
    ["een autobedrijf leiden en laten groeien"],
    "als manager in de autobranche",
    n=1,
    croho=("Hogere Managementopleiding voor de Mobiliteitsbranche", "34935"),
    slug="management-mobiliteitsbranche",
)

# basisvaardigheden (taal, rekenen, digitaal); most are free at the Taalhuis
BV = "basisvaardigheden"
T(
    BV,
    "basis",
    "Taal op de werkvloer",
    ["taal", "nederlands", "werk", "lezen", "spreken", "gratis"],
    ["beter Nederlands praten met collega's"],
    None,
    n=3,
    prov="roc",
    price=(0, 0),
    dur="P3M",
    load=("hour", 40),
    extra="Zo begrijp je instructies op je werk beter.",
)
T(
    BV,
    "basis",
    "Nederlands als tweede taal (NT2) A2",
    ["nt2", "nederlands leren", "taal", "inburgering", "a2"],
    ["Nederlands spreken, lezen en schrijven op A2"],
    None,
    n=3,
    online=1,
    prov="taalhuis",
    price=(0, 0),
    dur="P6M",
    load=("hour", 120),
    slug="nt2-a2",
    extra="Zo red je je beter in het dagelijks leven.",
)
T(
    BV,
    "basis",
    "Nederlands als tweede taal (NT2) B1",
    ["nt2", "nederlands leren", "taal", "b1", "staatsexamen"],
    ["Nederlands op B1 voor werk en studie"],
    None,
    n=3,
    online=1,
    prov="taalhuis",
    price=(0, 0),
    dur="P6M",
    load=("hour", 160),
    slug="nt2-b1",
    extra="Daarna kun je een mbo-opleiding doen of beter werk zoeken.",
)
T(
    BV,
    "basis",
    "Nederlands als tweede taal (NT2) B1 intensief",
    ["nt2", "nederlands leren", "taal", "b1", "staatsexamen"],
    ["snel Nederlands op B1 voor je werk"],
    None,
    n=2,
    prov="taalschool",
    price=(450, 950),
    dur="P3M",
    load=("hour", 120),
    slug="nt2-b1-intensief",
    extra="Je oefent met taal die je op je werk nodig hebt.",
)
T(
    BV,
    "basis",
    "Beter lezen en schrijven",
    ["lezen", "schrijven", "taal", "laaggeletterdheid", "nederlands", "gratis"],
    ["brieven lezen en korte berichten schrijven"],
    None,
    n=4,
    online=1,
    prov="taalhuis",
    price=(0, 0),
    dur="P3M",
    load=("hour", 30),
    extra="Dat helpt je thuis en op je werk.",
)
T(
    BV,
    "basis",
    "Rekenen in het dagelijks leven",
    ["rekenen", "geld", "getallen", "basisvaardigheden", "gratis"],
    ["rekenen met geld, tijd en maten"],
    None,
    n=3,
    online=1,
    prov="taalhuis",
    price=(0, 0),
    dur="P3M",
    load=("hour", 30),
    cat="cross_sectoral",
    extra="Dat helpt je bij boodschappen, rekeningen en werk.",
)
T(
    BV,
    "basis",
    "Rekenen op niveau 2F",
    ["rekenen", "2f", "mbo", "wiskunde", "basisvaardigheden"],
    ["rekenen op het niveau voor het mbo"],
    None,
    n=1,
    online=1,
    prov="roc",
    price=(0, 0),
    dur="P3M",
    load=("hour", 40),
    nlqf="2",
    slug="rekenen-2f",
    cat="cross_sectoral",
    extra="Zo ben je klaar voor een mbo-opleiding.",
)
T(
    BV,
    "basis",
    "Klik en Tik",
    ["klik en tik", "computer", "internet", "digitale vaardigheden", "beginners"],
    ["stap voor stap werken met computer en internet"],
    None,
    n=2,
    online=2,
    prov="taalhuis",
    price=(0, 0),
    dur="P6W",
    load=("hour", 12),
    cat="cross_sectoral",
    extra="Je hebt geen ervaring met computers nodig.",
)
T(
    BV,
    "basis",
    "Digisterker",
    ["digisterker", "digid", "overheid", "computer", "internet", "digitale vaardigheden"],
    ["inloggen met DigiD en online zaken regelen"],
    None,
    n=4,
    prov="taalhuis",
    price=(0, 0),
    dur="P6W",
    load=("hour", 8),
    cat="cross_sectoral",
    extra="Zo regel je zelf je zaken met de overheid.",
)
T(
    BV,
    "basis",
    "Veilig internetten",
    ["internet", "veilig", "oplichting", "computer", "phishing"],
    ["nepmails herkennen en veilig online betalen"],
    None,
    n=3,
    online=1,
    prov="taalhuis",
    price=(0, 0),
    dur="P2W",
    load=("hour", 6),
    cat="cross_sectoral",
    extra="Zo ben je beter beschermd tegen oplichters.",
)
T(
    BV,
    "basis",
    "Basiscursus Word",
    ["word", "tekstverwerken", "computer", "brief schrijven", "office"],
    ["brieven en een cv maken in Word"],
    None,
    n=2,
    online=1,
    prov="taalhuis",
    price=(0, 0),
    dur="P6W",
    load=("hour", 12),
    slug="basiscursus-word",
    cat="cross_sectoral",
    extra="Dat helpt je bij solliciteren en werk.",
)
T(
    BV,
    "basis",
    "Computercursus voor beginners",
    ["computer", "beginners", "laptop", "e-mail", "digitale vaardigheden"],
    ["mailen, zoeken en bestanden opslaan"],
    None,
    n=3,
    online=1,
    prov="taalhuis",
    price=(0, 0),
    dur="P6W",
    load=("hour", 16),
    cat="cross_sectoral",
    extra="Je oefent in kleine groepen, in je eigen tempo.",
)
T(
    BV,
    "basis",
    "Werken met de smartphone",
    ["smartphone", "telefoon", "apps", "digitale vaardigheden", "internet"],
    ["apps gebruiken en veilig berichten sturen"],
    None,
    n=2,
    prov="taalhuis",
    price=(0, 0),
    dur="P2W",
    load=("hour", 6),
    cat="cross_sectoral",
    extra="Zo doe je makkelijker mee, thuis en op je werk.",
)
T(
    BV,
    "basis",
    "Geldzaken en formulieren",
    ["geld", "formulieren", "rekenen", "toeslagen", "lezen"],
    ["formulieren invullen en je geld regelen"],
    None,
    n=2,
    online=1,
    prov="taalhuis",
    price=(0, 0),
    dur="P6W",
    load=("hour", 12),
    cat="cross_sectoral",
    extra="Zo houd je grip op je geldzaken.",
)

# ----------------------------------------------------------------------------- building
CERT_PROVIDER = {
    "zorg": "Zorgacademie {region} (voorbeeld)",
    "kinderopvang": "Kinderopvang Academie (voorbeeld)",
    "onderwijs": "ROC",
    "techniek": "Opleidingscentrum Techniek {region} (voorbeeld)",
    "metaal": "Opleidingscentrum Techniek {region} (voorbeeld)",
    "installatie": "Opleidingscentrum Techniek {region} (voorbeeld)",
    "bouw": "Bouwopleidingen {region} (voorbeeld)",
    "ict": "ICT Academie (voorbeeld)",
    "logistiek": "Logistiek Trainingscentrum {region} (voorbeeld)",
    "horeca": "Horeca Vakschool (voorbeeld)",
    "detailhandel": "Retail Academie (voorbeeld)",
    "groen": "Groencollege (voorbeeld)",
    "administratie": "Computerschool (voorbeeld)",
    "schoonmaak": "Schoonmaakacademie (voorbeeld)",
    "beveiliging": "Veiligheidsinstituut {region} (voorbeeld)",
    "mobiliteit": "Transportopleidingen {region} (voorbeeld)",
}
DISTANCE_MBO = "Afstandsonderwijs Nederland (voorbeeld)"
TAALSCHOOL = "Taalschool Voorbeeld"

MBO_STARTS = ["2027-02-01", "2027-04-05", "2027-09-01"]
HO_STARTS = ["2027-02-01", "2027-09-01"]
SHORT_STARTS = [
    "2027-01-11",
    "2027-02-08",
    "2027-03-08",
    "2027-04-12",
    "2027-05-10",
    "2027-06-07",
    "2027-09-06",
    "2027-10-04",
    "2027-11-08",
]
ONLINE_STARTS = ["2027-01-04", "2027-02-01", "2027-03-01", "2027-04-05", "2027-09-06", "2027-10-04"]


def slugify(text):
    text = text.lower()
    for a, b in (
        ("ë", "e"),
        ("é", "e"),
        ("è", "e"),
        ("ï", "i"),
        ("ö", "o"),
        ("ü", "u"),
        ("â", "a"),
        ("&", " en "),
    ):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def title_slug(t):
    if t["slug"]:
        return t["slug"]
    base = re.sub(r"\((mbo \d|entree)\)", "", t["title"])
    words = slugify(base).split("-")
    out = []
    for w in words:
        if len("-".join(out + [w])) > 40:
            break
        out.append(w)
    return "-".join(out)


def words(sentence):
    return len(sentence.split())


def pick(rng, options, **fmt):
    """Pick a sentence template that stays within 12 words."""
    ok = [o.format(**fmt) for o in options if words(o.format(**fmt)) <= 12]
    if not ok:
        raise SystemExit(f"sentence too long: {options[0]!r} {fmt!r}")
    return rng.choice(ok)


def years_of(duration):
    m = re.fullmatch(r"P(\d+)Y", duration)
    return int(m.group(1)) if m else 0


def load_inputs():
    places = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    by_name = {}
    for p in places["places"]:
        by_name.setdefault(p["name"], p)
    prov_ids = [p["id"] for p in places["provinces"]]
    if sorted(prov_ids) != sorted(PROVINCES):
        raise SystemExit(f"province ids differ from places.yml: {prov_ids}")
    towns = {}
    for prov, names in TOWNS.items():
        for name in names:
            p = by_name.get(name)
            if p is None or p["province"] != prov:
                raise SystemExit(f"town {name!r} not found in {prov}")
            towns[name] = {
                "place": name,
                "province": prov,
                "lat": float(p["lat"]),
                "lon": float(p["lon"]),
            }
    croho = yaml.safe_load(CROHO_FILE.read_text(encoding="utf-8"))
    for t in TEMPLATES:
        if t["croho"]:
            name, code = t["croho"]
            if code not in [str(c) for c in croho.get(name, [])]:
                raise SystemExit(f"CROHO pair not in register: {name!r} {code!r}")
    return towns


def provider_for(t, prov, online):
    kind, sector = t["kind"], t["sector"]
    if kind in MBO_KINDS:
        return DISTANCE_MBO if online else ROC_BY_PROVINCE[prov]
    if kind in ("ad", "ba", "ma"):
        return UNIVERSITEIT if t["code"][0] in "56" else HOGESCHOOL
    if kind == "zij":
        return HOGESCHOOL
    if kind == "basis":
        if t["prov"] == "roc":
            return DISTANCE_MBO if online else ROC_BY_PROVINCE[prov]
        if t["prov"] == "taalschool":
            return ONLINE_ACADEMIE if online else TAALSCHOOL
        return TAALHUIS
    name = t["prov"] or CERT_PROVIDER[sector]
    if name == "ROC":
        return ROC_BY_PROVINCE[prov] if prov else DISTANCE_MBO
    if online:
        return ONLINE_ACADEMIE if "{region}" in name else name
    return name.format(region=REGION[prov])


def make_record(rng, t, loc, idx):
    kind, sector = t["kind"], t["sector"]
    online = loc is None
    prov = None if online else loc["province"]
    level = KINDS[kind][0]

    # mode of study and delivery
    bbl = False
    if online:
        if kind in ("cert", "basis"):
            delivery, study = ["online"], "self-paced"
        else:
            delivery, study = ["distance-learning"], "part-time"
    elif kind in MBO_KINDS:
        bbl = idx % 2 == 0
        study = "dual training" if bbl else "full-time"
        delivery = ["hybrid"] if rng.random() < 0.15 else ["on campus"]
    elif kind in ("ad", "ba", "ma", "zij"):
        study = "part-time"
        delivery = ["hybrid"] if rng.random() < 0.3 else ["on campus"]
    elif t["title"] == "Taal op de werkvloer":
        study, delivery = "part-time", ["situated"]
    else:
        study = "part-time"
        delivery = ["hybrid"] if (kind == "cert" and rng.random() < 0.15) else ["on campus"]

    # duration
    if t["dur"]:
        duration = t["dur"]
    elif kind == "entree":
        duration = "P1Y"
    elif kind == "mbo2":
        duration = "P2Y"
    elif kind == "mbo3":
        duration = rng.choice(["P2Y", "P3Y"])
    elif kind == "mbo4":
        duration = "P3Y"
    elif kind == "ad":
        duration = "P2Y"
    elif kind == "ba":
        duration = "P4Y"
    else:  # master
        duration = "P1Y" if t["code"][0] == "6" else "P2Y"
    years = years_of(duration)

    # price
    if kind in MBO_KINDS:
        lo, hi = (1200, 1500) if kind == "entree" else (1200, 3000)
        price = round(rng.uniform(lo, hi) / 25) * 25
    elif kind in ("ad", "ba", "ma"):
        price = 2600 * years
    else:
        lo, hi = t["price"]
        price = round(rng.uniform(lo, hi) / 5) * 5
    price = float(price)

    # study load
    if kind in MBO_KINDS:
        study_load = {"unit": "hour", "value": (610 if bbl or online else 1000) * years}
    elif kind == "ad":
        study_load = {"unit": "ects", "value": 120}
    elif kind == "ba":
        study_load = {"unit": "ects", "value": 240}
    elif kind == "ma":
        study_load = {"unit": "ects", "value": 60 if years == 1 else 90}
    elif t["load"]:
        study_load = {"unit": t["load"][0], "value": t["load"][1]}
    else:
        study_load = None

    # start dates
    if online and kind in ("cert", "basis"):
        pool, k = ONLINE_STARTS, rng.randint(1, 4)
    elif kind in MBO_KINDS:
        pool, k = MBO_STARTS, rng.randint(1, 2)
    elif kind in ("ad", "ba", "ma", "zij"):
        pool, k = HO_STARTS, rng.randint(1, 2)
    else:
        pool, k = SHORT_STARTS, rng.randint(2, 4)
    start_dates = sorted(rng.sample(pool, k))

    # description: what you learn, what work it leads to, one practical fact
    learn = t["learn"][idx % len(t["learn"])]
    if kind in ("cert", "basis"):
        s1 = ["Je leert {l}.", "In deze cursus leer je {l}.", "Tijdens de training leer je {l}."]
    else:
        s1 = [
            "Je leert {l}.",
            "In deze opleiding leer je {l}.",
            "Tijdens je opleiding leer je {l}.",
        ]
    sentences = [pick(rng, s1, l=learn)]
    if t["work"]:
        if kind == "cert":
            s2 = [
                "Daarna kun je werken {w}.",
                "Met dit certificaat werk je {w}.",
                "Zo ben je klaar voor werk {w}.",
            ]
        elif kind == "zij":
            s2 = ["Daarna werk je {w}.", "Zo word je bevoegd en werk je {w}."]
        else:
            s2 = [
                "Daarna kun je werken {w}.",
                "Met dit diploma werk je {w}.",
                "Daarna vind je werk, bijvoorbeeld {w}.",
            ]
        sentences.append(pick(rng, s2, w=t["work"]))
    elif t["extra"]:
        sentences.append(t["extra"])
    else:
        sentences.append(
            rng.choice(
                [
                    "Veel werkgevers vragen om dit certificaat.",
                    "Je sluit af met een examen en een certificaat.",
                ]
            )
        )
    if online and study == "self-paced":
        facts = ["Je leert online, in je eigen tempo."]
    elif online:
        facts = ["Je studeert thuis, met online begeleiding."]
    elif delivery == ["hybrid"]:
        facts = ["Je hebt lessen op school en online."]
    elif delivery == ["situated"]:
        facts = ["De lessen zijn op je werk."]
    elif bbl:
        facts = [
            "Je werkt en leert tegelijk.",
            "Je leert vooral in de praktijk, bij een werkgever.",
        ]
    elif kind in MBO_KINDS:
        facts = ["Je loopt ook stage bij een bedrijf.", ""]
    elif kind in ("ad", "ba", "ma", "zij"):
        facts = ["Je studeert in deeltijd, naast je werk.", ""]
    elif price == 0:
        facts = ["De cursus is gratis.", "Meedoen is gratis."]
    else:
        facts = ["", "Je oefent veel in de praktijk."]
    fact = rng.choice(facts)
    if fact:
        sentences.append(fact)
    description = " ".join(sentences)

    # keywords
    kw = [k.lower() for k in t["kw"]]
    tags = []
    if kind in MBO_KINDS:
        tags.append("mbo")
    elif kind in ("ad", "ba", "ma"):
        tags.append("universiteit" if t["code"][0] in "56" else "hbo")
    if price == 0:
        tags.append("gratis")
    if online:
        tags.append("online")
    for tag in tags:
        if tag not in kw and len(kw) < 8:
            kw.append(tag)

    return {
        "title": t["title"],
        "description": description,
        "provider": provider_for(t, prov, online),
        "primary_code": t["code"],
        "level": level,
        "nlqf": t["nlqf"],
        "sector": sector,
        "category": t["cat"],
        "mode_of_delivery": delivery,
        "mode_of_study": study,
        "locations": [] if online else [dict(loc)],
        "duration": duration,
        "study_load": study_load,
        "price": price,
        "start_dates": start_dates,
        "keywords": kw,
        "source": SRC_CROHO if t["croho"] else SRC_DEMO,
    }


# ----------------------------------------------------------------------------- output
class FlowList(list):
    pass


class FlowDict(dict):
    pass


class Dumper(yaml.SafeDumper):
    pass


Dumper.add_representer(
    FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)
Dumper.add_representer(
    FlowDict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True)
)


def build():
    towns = load_inputs()
    rng = random.Random(SEED)
    counts = {p: 0 for p in PROVINCES}
    town_turn = {p: 0 for p in PROVINCES}
    records, seen = [], set()

    def next_town(prov, big_only):
        names = TOWNS[prov][:2] if big_only else TOWNS[prov]
        name = names[town_turn[prov] % len(names)]
        town_turn[prov] += 1
        return towns[name]

    for t in TEMPLATES:
        locs = [towns[name] for name in t["pin"]]
        used = {loc["province"] for loc in locs}
        for _ in range(t["n"]):
            free = [p for p in PROVINCES if p not in used] or PROVINCES
            prov = min(free, key=lambda p: (counts[p], rng.random()))
            used.add(prov)
            locs.append(next_town(prov, t["kind"] in ("ad", "ba", "ma")))
        for loc in locs:
            counts[loc["province"]] += 1
        locs += [None] * t["online"]
        for idx, loc in enumerate(locs):
            rec = make_record(rng, t, loc, idx)
            where = "online" if loc is None else slugify(loc["place"])
            base = "{}-{}-{}-{}".format(t["sector"], title_slug(t), t["nlqf"], where)
            cid, i = base, 2
            while cid in seen:
                cid, i = f"{base}-{i}", i + 1
            seen.add(cid)
            out = {"id": cid}
            out.update(rec)
            out["url"] = URL_BASE + cid
            # keep the documented key order
            ordered = {}
            for key in (
                "id",
                "title",
                "description",
                "provider",
                "primary_code",
                "level",
                "nlqf",
                "sector",
                "category",
                "mode_of_delivery",
                "mode_of_study",
                "locations",
                "duration",
                "study_load",
                "price",
                "start_dates",
                "url",
                "keywords",
                "source",
            ):
                ordered[key] = out[key]
            ordered["updated"] = UPDATED
            records.append(ordered)
    return records


def check_texts(records):
    for r in records:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", r["description"]) if s]
        if not 1 <= len(sentences) <= 3:
            raise SystemExit("%s: %d sentences" % (r["id"], len(sentences)))
        for s in sentences:
            if words(s) > 12:
                raise SystemExit("{}: sentence too long: {}".format(r["id"], s))
        low = r["description"].lower()
        for bad in FORBIDDEN:
            if re.search(rf"\b{bad}\b", low):
                raise SystemExit("{}: officialese {!r}".format(r["id"], bad))
        if not 3 <= len(r["keywords"]) <= 8 or any(k != k.lower() for k in r["keywords"]):
            raise SystemExit("{}: bad keywords {!r}".format(r["id"], r["keywords"]))


def to_yaml(records):
    docs = []
    for r in records:
        r = dict(r)
        r["mode_of_delivery"] = FlowList(r["mode_of_delivery"])
        r["locations"] = [FlowDict(loc) for loc in r["locations"]]
        if r["study_load"] is not None:
            r["study_load"] = FlowDict(r["study_load"])
        r["start_dates"] = FlowList(r["start_dates"])
        r["keywords"] = FlowList(r["keywords"])
        docs.append(r)
    header = (
        "# Overstap seed course catalog: DEMO DATA, generated by make_courses.py (do not edit by hand).\n"
        "# Providers, prices, dates and locations are invented. Higher-education records use a real\n"
        "# programme name and CROHO code from the CROHO register; everything else about them is invented.\n"
        "# Only the crebo code 25498 (Helpende Zorg en Welzijn) is filled in; other mbo codes are null.\n"
    )
    body = yaml.dump(
        {"courses": docs}, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000
    )
    return header + body


def main():
    records = build()
    check_texts(records)
    OUT_FILE.write_text(to_yaml(records), encoding="utf-8")
    print("wrote %d courses to %s" % (len(records), OUT_FILE), file=sys.stderr)


if __name__ == "__main__":
    main()
