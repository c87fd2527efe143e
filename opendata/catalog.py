"""The DCAT-AP catalogue of the open data, built with rdflib (served as JSON-LD and Turtle).

One dataset per visible edition (immutable, so each keeps its own issued date and files) and one
"latest" dataset that follows the newest edition; each file of an edition is a distribution with
its media type and byte size. Titles and descriptions in Bulgarian and English.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, XSD

from .choices import MEDIA_TYPES, FileFormat
from .models import Edition, EditionFile

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
CC_BY = URIRef("http://creativecommons.org/licenses/by/4.0/")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
COUNTRY = URIRef("http://publications.europa.eu/resource/authority/country/BGR")
IANA = "https://www.iana.org/assignments/media-types/"
EU_FORMATS: dict[str, str] = {FileFormat.CSV: "CSV", FileFormat.JSON: "JSON", FileFormat.XLSX: "XLSX"}

TITLE = {
    "bg": "Внедряване на централните услуги на електронното управление от общините",
    "en": "Adoption of central e-government services by Bulgaria's municipalities",
}
DESCRIPTION = {
    "bg": "Тримесечни издания: етап на внедряване на всяка услуга (само проверени декларации) и "
    "наблюдавано използване по отчетите на операторите, за всяка от 265-те общини.",
    "en": "Quarterly editions: each service's adoption stage (verified declarations only) and the use "
    "observed in the operators' usage reports, for each of the 265 municipalities.",
}
KEYWORDS = {
    "bg": ["електронно управление", "общини", "RegiX", "СЕОС"],
    "en": ["e-government", "municipalities", "RegiX", "SEOS"],
}


def _texts(graph: Graph, subject, predicate, texts: dict[str, str]) -> None:
    for language, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=language)))


def _publisher(graph: Graph, base: str) -> URIRef:
    agent = URIRef(base + "open/#publisher")
    graph.add((agent, RDF.type, FOAF.Agent))
    _texts(graph, agent, FOAF.name, {"bg": settings.OPEN_DATA_PUBLISHER_BG, "en": settings.OPEN_DATA_PUBLISHER_EN})
    return agent


def _contact(graph: Graph) -> BNode:
    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(settings.OPEN_DATA_PUBLISHER_BG, lang="bg")))
    graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + settings.OPEN_DATA_CONTACT_EMAIL)))
    return contact


def _dt(value: datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _dataset(
    graph: Graph, base: str, edition: Edition, publisher, files, subject: URIRef, title_suffix: dict
) -> URIRef:
    graph.add((subject, RDF.type, DCAT.Dataset))
    _texts(graph, subject, DCTERMS.title, {k: f"{TITLE[k]}{title_suffix[k]}" for k in TITLE})
    _texts(graph, subject, DCTERMS.description, DESCRIPTION)
    for language, words in KEYWORDS.items():
        for word in words:
            graph.add((subject, DCAT.keyword, Literal(word, lang=language)))
    graph.add((subject, DCTERMS.publisher, publisher))
    graph.add((subject, DCAT.contactPoint, _contact(graph)))
    graph.add((subject, DCAT.theme, DATA_THEME.GOVE))
    graph.add((subject, DCTERMS.spatial, COUNTRY))
    graph.add((subject, DCTERMS.accrualPeriodicity, FREQUENCY.QUARTERLY))
    graph.add((subject, DCTERMS.issued, _dt(edition.issued_at)))
    graph.add((subject, DCTERMS.modified, _dt(edition.issued_at)))
    graph.add((subject, DCAT.landingPage, URIRef(base + edition.get_absolute_url().lstrip("/"))))
    graph.add((subject, DCTERMS.identifier, Literal(edition.slug)))
    graph.add((subject, OWL.versionInfo, Literal(edition.slug)))
    if edition.note:
        graph.add((subject, ADMS.versionNotes, Literal(edition.note, lang="bg")))
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal("2016-01-01", datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal(edition.as_of.isoformat(), datatype=XSD.date)))
    graph.add((subject, DCTERMS.temporal, period))
    for fmt, size in files:
        graph.add((subject, DCAT.distribution, _distribution(graph, base, edition, fmt, size)))
    return subject


def _distribution(graph: Graph, base: str, edition: Edition, fmt: str, size: int) -> URIRef:
    url = URIRef(base + reverse("opendata:download", args=[edition.slug, fmt]).lstrip("/"))
    node = URIRef(f"{url}#distribution")
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCTERMS.title, Literal(f"{edition.slug} ({fmt.upper()})", lang="en")))
    _texts(
        graph,
        node,
        DCTERMS.description,
        {"bg": f"Издание {edition.slug} във формат {fmt.upper()}", "en": f"Edition {edition.slug} as {fmt.upper()}"},
    )
    graph.add((node, DCTERMS.format, FILE_TYPE[EU_FORMATS[fmt]]))
    graph.add((node, DCAT.mediaType, URIRef(IANA + MEDIA_TYPES[fmt])))
    graph.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    graph.add((node, DCTERMS.license, CC_BY))
    return node


def catalog_graph(base: str) -> Graph:
    """The catalogue with every visible edition, `base` being the portal's address ending in "/"."""
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("adms", ADMS)):
        graph.bind(prefix, namespace)
    catalog = URIRef(base + "open/catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _texts(
        graph, catalog, DCTERMS.title, {"bg": "Отворени данни на портала egov-portal", "en": "egov-portal open data"}
    )
    _texts(graph, catalog, DCTERMS.description, DESCRIPTION)
    publisher = _publisher(graph, base)
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, CC_BY))
    graph.add((catalog, FOAF.homepage, URIRef(base + "open/")))
    editions = list(Edition.objects.visible().latest_first().select_related("previous"))
    sizes: dict[int, list[tuple[str, int]]] = {}
    for edition_id, fmt, size in (
        EditionFile.objects.filter(edition__in=editions)
        .order_by("format")
        .values_list("edition_id", "format", "byte_size")
    ):
        sizes.setdefault(edition_id, []).append((fmt, size))
    for edition in editions:
        subject = URIRef(base + edition.get_absolute_url().lstrip("/") + "#dataset")
        suffix = {"bg": f" — издание {edition.slug}", "en": f" — edition {edition.slug}"}
        graph.add(
            (
                catalog,
                DCAT.dataset,
                _dataset(graph, base, edition, publisher, sizes.get(edition.pk, []), subject, suffix),
            )
        )
    return graph
