"""OOAPI v5 importer: programs and courses with their offerings, in the shapes of the specification.

A file holds one of:
- a page of a list endpoint: {"pageSize": .., "pageNumber": .., "items": [...]},
- a plain list of resources: [...],
- one resource: {"programId": .., ...} or {"courseId": .., ...},
- a bundle: {"organizations": .., "programs": .., "courses": .., "offerings": ..}, each a list
  or a page.

Items are told apart by their id field (programId, courseId, offeringId, organizationId).
An offering belongs to the program or course it names in `program` / `course` (an id or the
expanded object) or in `programId` / `courseId`; offerings may also sit inside their program or
course under "offerings" (a list or a page). Each program and each course becomes one Course
with id `ooapi:<programId>` or `ooapi:<courseId>`; its offerings give the start dates, the price
(the lowest 'total costs' in EUR), the modes of delivery and the places (teaching or visit
addresses, else the program's own).

Our sector is not an OOAPI field (OOAPI `sector` is mbo/hbo/wo): it comes from `ext.sector`
(an id, label or term of data/lexicon/sectors.yml), else from `fieldsOfStudy` (ISCED-F).
`ext.keywords` (a list) adds search words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.catalog.importers.common import (
    Context,
    CourseData,
    Issue,
    Parsed,
    nlqf_of_level,
    parse_date,
    parse_duration,
    parse_level,
    parse_mode,
    parse_mode_of_study,
    parse_nlqf,
    parse_url,
    progress,
    text_limit,
    unique,
)
from bot.errors import CatalogImportError, InvalidValue

ID_PREFIX = "ooapi:"
BUNDLE_KEYS = ("organizations", "programs", "courses", "offerings")
KINDS = ("program", "course")
ADDRESS_TYPES = ("teaching", "visit")  # where the lessons are; postal and billing are not
EDUCATION_SECTORS = (  # OOAPI enum `sector`: checked, not stored
    "secondary vocational education",
    "higher professional education",
    "university education",
)
STUDY_LOAD_UNITS = ("contacttime", "ects", "sbu", "sp", "hour")
AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")  # OOAPI Cost.amount
LANGUAGE_CODE = re.compile(r"^[a-z]{3}$")  # OOAPI teachingLanguage (ISO 639-2)
# ISCED-F 2013 fields of study to our sectors; the longest matching code prefix wins.
ISCED_SECTORS = {
    "0011": "basisvaardigheden",  # basic programmes and qualifications
    "0021": "basisvaardigheden",  # literacy and numeracy
    "01": "onderwijs",  # education
    "041": "administratie",  # business and administration
    "0416": "detailhandel",  # wholesale and retail sales
    "06": "ict",  # information and communication technologies
    "07": "techniek",  # engineering, manufacturing and construction
    "0713": "installatie",  # electricity and energy
    "0715": "metaal",  # mechanics and metal trades
    "0716": "mobiliteit",  # motor vehicles, ships and aircraft
    "073": "bouw",  # architecture and construction
    "08": "groen",  # agriculture, forestry, fisheries and veterinary
    "09": "zorg",  # health and welfare
    "0922": "kinderopvang",  # child care and youth services
    "1011": "schoonmaak",  # domestic services
    "1013": "horeca",  # hotel, restaurants and catering
    "1015": "horeca",  # travel, tourism and leisure
    "1031": "overheid",  # military and defence
    "1032": "beveiliging",  # protection of persons and property
    "1041": "logistiek",  # transport services
}


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


@dataclass
class Item:
    kind: str  # program, course, offering, organization, component, or "" when unknown
    path: str
    obj: dict[str, Any]


@dataclass
class Resource:
    """A program or course with the offerings that belong to it."""

    kind: str
    id: str
    item: Item
    offerings: list[Item] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def kind_of(obj: dict[str, Any]) -> str:
    if "offeringId" in obj or "offeringType" in obj:
        return "offering"
    for kind in ("program", "course", "organization", "component"):
        if f"{kind}Id" in obj:
            return kind
    return ""


def entries(value: Any, path: str) -> list[tuple[str, Any]]:
    """The entries of a list or of a page ({"items": [...]}), each with its path."""
    if isinstance(value, list):
        return [(join(path, i), v) for i, v in enumerate(value)]
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        items_path = join(path, "items")
        return [(join(items_path, i), v) for i, v in enumerate(value["items"])]
    raise InvalidValue("verwacht een lijst, of een pagina met 'items'")


def load(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CatalogImportError(f"{path.name}: het bestand is geen UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise CatalogImportError(
            f"{path.name}: geen geldige JSON. De fout zit in regel {exc.lineno}, "
            f"kolom {exc.colno}."
        ) from None


def top_level(data: Any, name: str) -> list[tuple[str, Any]]:
    if isinstance(data, dict) and kind_of(data):
        return [("", data)]  # one resource; its "offerings" are its own
    if isinstance(data, dict) and any(key in data for key in BUNDLE_KEYS):
        found = []
        for key in BUNDLE_KEYS:
            if key in data:
                try:
                    found.extend(entries(data[key], key))
                except InvalidValue as exc:
                    raise CatalogImportError(f"{name}: {key}: {exc}.") from None
        return found
    if isinstance(data, list) or (isinstance(data, dict) and "items" in data):
        try:
            return entries(data, "")
        except InvalidValue as exc:
            raise CatalogImportError(f"{name}: items: {exc}.") from None
    raise CatalogImportError(
        f"{name}: geen OOAPI-gegevens gevonden. Verwacht: een pagina met 'items', "
        "een lijst, of één program of course."
    )


def parse(path: Path, ctx: Context) -> Parsed:
    """All programs and courses of an OOAPI file as checked records, with every error."""
    parsed = Parsed()
    resources: dict[str, Resource] = {}  # by final course id
    organizations: dict[str, Any] = {}
    loose: list[Item] = []  # offerings found at the top level, linked below

    def add_resource(item: Item) -> Resource | None:
        raw_id = item.obj.get(f"{item.kind}Id")
        parsed.total += 1
        if not isinstance(raw_id, str | int) or not str(raw_id).strip():
            parsed.invalid += 1
            parsed.issues.append(Issue(join(item.path, f"{item.kind}Id"), "is leeg"))
            return None
        course_id = ID_PREFIX + str(raw_id).strip()
        if course_id in resources:
            parsed.invalid += 1
            first = resources[course_id].item.path or "het begin van het bestand"
            parsed.issues.append(
                Issue(join(item.path, f"{item.kind}Id"), f"'{raw_id}' staat ook in {first}")
            )
            return None
        resource = Resource(item.kind, course_id, item)
        resources[course_id] = resource
        nested = item.obj.get("offerings")
        if nested is not None:
            try:
                found = entries(nested, join(item.path, "offerings"))
            except InvalidValue as exc:
                resource.issues.append(Issue(join(item.path, "offerings"), str(exc)))
                found = []
            for opath, obj in found:
                resource.offerings.append(Item("offering", opath, obj))
        return resource

    for item_path, obj in top_level(load(path), path.name):
        if not isinstance(obj, dict):
            parsed.total += 1
            parsed.invalid += 1
            parsed.issues.append(Issue(item_path, "is geen object"))
            continue
        item = Item(kind_of(obj), item_path, obj)
        if item.kind in KINDS:
            add_resource(item)
        elif item.kind == "offering":
            loose.append(item)
        elif item.kind == "organization":
            organizations[str(obj["organizationId"])] = obj
        else:
            parsed.total += 1
            parsed.invalid += 1
            what = (
                "een onderdeel (component) wordt niet ingelezen"
                if item.kind == "component"
                else "onbekend soort object: programId, courseId of offeringId ontbreekt"
            )
            parsed.issues.append(Issue(item_path, what))

    for offering in loose:
        link = link_of(offering.obj)
        if link is None:
            parsed.issues.append(
                Issue(offering.path, "hoort bij geen opleiding: program of course ontbreekt")
            )
            continue
        kind, raw_id, expanded = link
        resource = resources.get(ID_PREFIX + raw_id)
        if resource is None and expanded is not None:
            resource = add_resource(Item(kind, join(offering.path, kind), expanded))
        if resource is None:
            parsed.issues.append(
                Issue(join(offering.path, kind), f"{kind} '{raw_id}' staat niet in dit bestand")
            )
            continue
        resource.offerings.append(offering)

    _check_all(resources, organizations, ctx, parsed)
    return parsed


def _check_all(
    resources: dict[str, Resource], organizations: dict[str, Any], ctx: Context, parsed: Parsed
) -> None:
    """Every resource to a record, or its issues into the report."""
    for resource in progress(
        list(resources.values()), len(resources), "Controleren", ctx.show_progress
    ):
        record = course_from_resource(resource, organizations, ctx)
        if resource.issues:
            parsed.invalid += 1
            parsed.issues.extend(resource.issues)
        else:
            parsed.records.append(record)


def link_of(offering: dict[str, Any]) -> tuple[str, str, dict | None] | None:
    """(kind, id, expanded object or None) of the program or course an offering belongs to."""
    for kind in KINDS:
        ref = offering.get(kind)
        if isinstance(ref, dict) and ref.get(f"{kind}Id"):
            return kind, str(ref[f"{kind}Id"]).strip(), ref
        if isinstance(ref, str | int) and str(ref).strip():
            return kind, str(ref).strip(), None
        ref = offering.get(f"{kind}Id")
        if isinstance(ref, str | int) and str(ref).strip():
            return kind, str(ref).strip(), None
    return None


def pick_language(value: Any) -> str:
    """The text of a language-typed string list: nl-NL, else other Dutch, else en-GB, else the
    first. A plain string is taken as it is."""
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidValue("verwacht een lijst met 'language' en 'value'")
    texts = [(str(v.get("language") or ""), str(v.get("value") or "").strip()) for v in value]
    texts = [(lang, text) for lang, text in texts if text]
    for want in ("nl-NL", "nl", "en-GB", "en"):
        for lang, text in texts:
            if lang == want or (len(want) == 2 and lang.split("-")[0] == want):
                return text
    return texts[0][1] if texts else ""


def course_from_resource(
    resource: Resource, organizations: dict[str, Any], ctx: Context
) -> CourseData:
    """The Course facts of one program or course; every error goes to `resource.issues`."""
    obj, base = resource.item.obj, resource.item.path
    issues = resource.issues

    def attempt(key: str, check: Callable[..., Any], *args: Any, within: str = base) -> Any:
        try:
            return check(*args)
        except InvalidValue as exc:
            issues.append(Issue(join(within, key) if key else within, str(exc)))
            return None

    def optional(key: str, check: Callable[[Any], Any]) -> Any:
        value = obj.get(key)
        return None if value in (None, "", []) else attempt(key, check, value)

    known_issues = len(issues)
    title = optional("name", lambda v: text_limit(pick_language(v), "title", "naam"))
    if not title and len(issues) == known_issues:
        issues.append(Issue(join(base, "name"), "naam ontbreekt"))
    level = optional("level", parse_level) or "undefined"
    nlqf = optional("levelOfQualification", parse_nlqf) or nlqf_of_level(level)
    optional("sector", lambda v: one_of(v, EDUCATION_SECTORS, "onderwijssoort"))
    optional("teachingLanguage", teaching_language)
    modes = optional("modeOfDelivery", modes_of_delivery) or []
    offerings = [offering_facts(o, attempt, ctx) for o in resource.offerings]
    for facts in offerings:
        modes += facts.modes
    prices = [p for facts in offerings for p in facts.prices]
    places = [loc for facts in offerings for loc in facts.locations]
    if not places:
        places = addresses(obj.get("addresses"), ctx, attempt, base)
    keywords = [str(obj.get("abbreviation") or "")]
    ext = obj.get("ext") if isinstance(obj.get("ext"), dict) else {}
    if ext.get("keywords") is not None:
        keywords += (
            attempt("keywords", string_list, ext["keywords"], within=join(base, "ext")) or []
        )
    return CourseData(
        id=attempt(f"{resource.kind}Id", text_limit, resource.id, "id", "id") or resource.id,
        where=base,
        title=title or "",
        provider=provider_of(resource, organizations, ctx, issues) or "",
        sector=sector_of(obj, base, ctx, issues) or "",
        source=ctx.source,
        description=optional("description", pick_language) or "",
        primary_code=attempt(
            "primaryCode", primary_code, obj.get("primaryCode"), obj.get("otherCodes")
        ),
        level=level,
        nlqf=nlqf,
        modes_of_delivery=unique(modes),
        mode_of_study=optional("modeOfStudy", parse_mode_of_study),
        duration=optional("duration", parse_duration),
        study_load=optional("studyLoad", study_load),
        price=min(prices) if prices else None,
        start_dates=sorted(unique(d for facts in offerings for d in facts.start_dates)),
        url=optional("link", parse_url),
        keywords=unique(k.strip().lower() for k in keywords if k and k.strip()),
        updated=ctx.today,
        locations=list({loc.place: loc for loc in places}.values()),
    )


@dataclass
class OfferingFacts:
    start_dates: list[str] = field(default_factory=list)
    prices: list[float] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    locations: list[Any] = field(default_factory=list)


def offering_facts(item: Item, attempt: Callable[..., Any], ctx: Context) -> OfferingFacts:
    """Start date, prices, modes and places of one offering; errors through `attempt`."""
    facts = OfferingFacts()
    obj, base = item.obj, item.path
    if not isinstance(obj, dict):
        attempt("", fail, "is geen object", within=base)
        return facts
    kind = obj.get("offeringType")
    if kind not in (None, "program", "course"):
        attempt("offeringType", fail, f"soort '{kind}' wordt niet ingelezen", within=base)
    start = obj.get("startDate")
    if start in (None, ""):
        attempt("startDate", fail, "startdatum ontbreekt", within=base)
    else:
        date = attempt("startDate", parse_date, start, within=base)
        if date is not None:
            facts.start_dates.append(date.isoformat())
    if obj.get("endDate") not in (None, ""):
        attempt("endDate", parse_date, obj["endDate"], within=base)
    if obj.get("modeOfDelivery") not in (None, []):
        facts.modes = (
            attempt("modeOfDelivery", modes_of_delivery, obj["modeOfDelivery"], within=base) or []
        )
    prices = obj.get("priceInformation")
    if prices is not None:
        if not isinstance(prices, list):
            attempt("priceInformation", fail, "verwacht een lijst met prijzen", within=base)
        else:
            for i, cost in enumerate(prices):
                amount = attempt(f"priceInformation[{i}]", total_cost, cost, within=base)
                if amount is not None:
                    facts.prices.append(amount)
    if obj.get("addresses") is not None:
        facts.locations = addresses(obj["addresses"], ctx, attempt, base)
    return facts


def fail(message: str) -> None:
    raise InvalidValue(message)


def one_of(value: Any, allowed: tuple[str, ...], label: str) -> str:
    if value not in allowed:
        raise InvalidValue(f"{label} '{value}' bestaat niet. Kies uit: {', '.join(allowed)}")
    return value


def teaching_language(value: Any) -> str:
    if not isinstance(value, str) or not LANGUAGE_CODE.match(value):
        raise InvalidValue(f"taalcode '{value}' klopt niet. Gebruik drie letters, zoals nld of eng")
    return value


def modes_of_delivery(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise InvalidValue("verwacht een lijst met lesvormen")
    return [parse_mode(v) for v in value]


def string_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidValue("verwacht een lijst met woorden")
    return value


def total_cost(cost: Any) -> float | None:
    """The amount of an OOAPI Cost of type 'total costs' in euro; None for other cost types."""
    if not isinstance(cost, dict) or not cost.get("costType"):
        raise InvalidValue("costType ontbreekt")
    if cost["costType"] != "total costs":
        return None
    amount, currency = cost.get("amount"), cost.get("currency") or "EUR"
    if amount in (None, ""):
        raise InvalidValue("prijs (amount) ontbreekt")
    if not AMOUNT.match(str(amount)):
        raise InvalidValue(f"prijs '{amount}' is geen getal. Schrijf bijvoorbeeld 1250.50")
    if currency != "EUR":
        raise InvalidValue(f"munteenheid '{currency}' wordt niet ondersteund. Alleen EUR")
    return float(amount)


def addresses(value: Any, ctx: Context, attempt: Callable[..., Any], within: str) -> list[Any]:
    """Places of the teaching (or else visit) addresses, with province and coordinates."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        attempt("addresses", fail, "verwacht een lijst met adressen", within=within)
        return []
    for wanted in ADDRESS_TYPES:
        chosen = [(i, a) for i, a in enumerate(value) if a.get("addressType") == wanted]
        if chosen:
            break
    places = []
    for i, address in chosen:
        geo = address.get("geolocation") if isinstance(address.get("geolocation"), dict) else {}
        lat, lon = geo.get("latitude"), geo.get("longitude")
        if not all(isinstance(v, int | float) for v in (lat, lon)):
            lat = lon = None
        if not str(address.get("city") or "").strip():
            attempt(f"addresses[{i}].city", fail, "plaats ontbreekt", within=within)
            continue
        place = attempt(
            f"addresses[{i}].city",
            ctx.places.location,
            address["city"],
            None,
            address.get("postalCode"),
            lat,
            lon,
            "Geef ook de postcode (postalCode)",
            within=within,
        )
        if place is not None:
            places.append(place)
    return places


def primary_code(value: Any, other_codes: Any) -> str | None:
    """The crebo or CROHO code if the resource has one (in primaryCode or otherCodes), else
    its primaryCode."""
    if value is not None and (not isinstance(value, dict) or not value.get("code")):
        raise InvalidValue("verwacht een object met 'codeType' en 'code'")
    codes = [value, *(other_codes if isinstance(other_codes, list) else [])]
    codes = [c for c in codes if isinstance(c, dict) and c.get("code")]
    chosen = next((c for c in codes if c.get("codeType") == "crohoCreboCode"), value)
    if chosen is None:
        return None
    return text_limit(str(chosen["code"]).strip(), "primary_code", "code")


def study_load(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidValue("verwacht 'studyLoadUnit' en 'value'")
    unit, amount = value.get("studyLoadUnit"), value.get("value")
    one_of(unit, STUDY_LOAD_UNITS, "eenheid")
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount < 0:
        raise InvalidValue(f"studielast '{amount}' is geen getal")
    return {"unit": unit, "value": amount}


def organization_name(ref: Any, organizations: dict[str, Any]) -> str | None:
    if isinstance(ref, str | int):
        ref = organizations.get(str(ref))
    if not isinstance(ref, dict):
        return None
    try:
        name = pick_language(ref.get("name") or [])
    except InvalidValue:
        name = ""
    return name or str(ref.get("shortName") or "").strip() or None


def provider_of(
    resource: Resource, organizations: dict[str, Any], ctx: Context, issues: list[Issue]
) -> str | None:
    """The organization's name: of the resource, else of an offering, else --provider."""
    refs = [
        (resource.item.path, resource.item.obj.get("organization")),
        *(
            (o.path, o.obj.get("organization"))
            for o in resource.offerings
            if isinstance(o.obj, dict)
        ),
    ]
    for _, ref in refs:
        name = organization_name(ref, organizations)
        if name:
            try:
                return text_limit(name, "provider", "naam van de aanbieder")
            except InvalidValue as exc:
                issues.append(Issue(join(resource.item.path, "organization"), str(exc)))
                return None
    if ctx.provider:
        return ctx.provider
    named = next(((path, ref) for path, ref in refs if isinstance(ref, str | int)), None)
    if named:
        issues.append(
            Issue(
                join(named[0], "organization"),
                f"organisatie '{named[1]}' staat niet in dit bestand. Geef de naam met --provider",
            )
        )
    else:
        issues.append(
            Issue(
                join(resource.item.path, "organization"),
                "aanbieder ontbreekt. Geef de naam met --provider",
            )
        )
    return None


def sector_of(obj: dict[str, Any], base: str, ctx: Context, issues: list[Issue]) -> str | None:
    """Our sector from ext.sector, else from fieldsOfStudy (ISCED-F)."""
    ext = obj.get("ext") if isinstance(obj.get("ext"), dict) else {}
    if ext.get("sector"):
        try:
            return ctx.places.sector(ext["sector"])
        except InvalidValue as exc:
            issues.append(Issue(join(base, "ext.sector"), str(exc)))
            return None
    code = str(obj.get("fieldsOfStudy") or "").strip()
    for size in (4, 3, 2):
        if len(code) >= size and code[:size] in ISCED_SECTORS:
            return ISCED_SECTORS[code[:size]]
    where = join(base, "fieldsOfStudy") if code else join(base, "ext.sector")
    issues.append(
        Issue(where, f"geen sector bij fieldsOfStudy '{code}'. Zet de sector in ext.sector")
        if code
        else Issue(where, "sector ontbreekt. Zet de sector in ext.sector, bijvoorbeeld 'zorg'")
    )
    return None
