"""The DCAT-AP catalogue parses with rdflib and carries DCAT-AP's mandatory and recommended properties."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from opendata.models import EditionFile

pytestmark = pytest.mark.django_db

DATASET_MANDATORY = [DCTERMS.title, DCTERMS.description]
DATASET_RECOMMENDED = [
    DCAT.contactPoint,
    DCAT.distribution,
    DCAT.keyword,
    DCTERMS.publisher,
    DCTERMS.spatial,
    DCTERMS.temporal,
    DCAT.theme,
    DCTERMS.issued,
    DCTERMS.modified,
    DCTERMS.accrualPeriodicity,
]
DISTRIBUTION_MANDATORY = [DCAT.accessURL]
DISTRIBUTION_RECOMMENDED = [
    DCAT.downloadURL,
    DCTERMS.format,
    DCAT.mediaType,
    DCTERMS.license,
    DCAT.byteSize,
    DCTERMS.description,
]


@pytest.mark.parametrize(("fmt", "parser"), [("jsonld", "json-ld"), ("ttl", "turtle")])
def test_the_catalogue_validates_against_dcat_ap(client, editions, fmt, parser):
    response = client.get(reverse("opendata:catalog", args=[fmt]))
    assert response.status_code == 200
    graph = Graph().parse(data=response.content.decode(), format=parser)
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    catalog = catalogs[0]
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert graph.value(catalog, predicate) is not None, predicate
    assert graph.value(graph.value(catalog, DCTERMS.publisher), FOAF.name) is not None
    datasets = list(graph.objects(catalog, DCAT.dataset))
    assert len(datasets) == 2  # one per edition
    for dataset in datasets:
        for predicate in DATASET_MANDATORY + DATASET_RECOMMENDED:
            assert graph.value(dataset, predicate) is not None, (dataset, predicate)
        for predicate in (DCTERMS.title, DCTERMS.description):
            assert {literal.language for literal in graph.objects(dataset, predicate)} == {"bg", "en"}
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert len(distributions) == 3
        for distribution in distributions:
            for predicate in DISTRIBUTION_MANDATORY + DISTRIBUTION_RECOMMENDED:
                assert graph.value(distribution, predicate) is not None, (distribution, predicate)
            assert graph.value(distribution, DCTERMS.license) == URIRef("http://creativecommons.org/licenses/by/4.0/")


def test_byte_sizes_and_media_types_match_the_downloads(client, editions):
    graph = Graph().parse(data=client.get(reverse("opendata:catalog", args=["ttl"])).content.decode(), format="turtle")
    stored = {(f.edition.slug, f.format): f.byte_size for f in EditionFile.objects.select_related("edition")}
    seen = 0
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        url = str(graph.value(distribution, DCAT.downloadURL))
        slug, name = url.split("/editions/")[1].split("/")
        fmt = name.split(".")[1]
        response = client.get(url.replace("http://testserver", ""))
        assert int(graph.value(distribution, DCAT.byteSize)) == stored[(slug, fmt)] == len(response.content)
        assert str(graph.value(distribution, DCAT.mediaType)).endswith(response["Content-Type"].split(";")[0])
        seen += 1
    assert seen == 6
