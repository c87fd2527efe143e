"""Publication to data.egov.bg through its documented API (governmentbg/data-gov-bg).

Write calls are JSON POSTs to `<DATA_EGOV_API_URL>/<method>` with the organisation's `api_key`.
An answer is `{"success": true, ...}` or `{"success": false, "status": …, "errors": {field: [...]},
"error": {"type": …, "message": …}}`. The dataset is created once (its URI kept); each edition gets
its own resource (metadata with the data dictionary as schema, then its rows), so the history stays
downloadable there; then the dataset is published. The rows sent are the edition's CSV rows, i.e.
the allow-list and nothing else. Every call is recorded; a failed publication is retried with
back-off by the beat job and resumes where it stopped (keyed by edition, so nothing is duplicated).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import reading
from .choices import AttemptStatus, Level
from .dictionary import COLUMNS, NAMES
from .editions import summary
from .files import flat_rows
from .models import DataEgovDataset, Edition, Publication, PublicationAttempt

DATASET_KEY = "municipal-adoption"
RESOURCE_TYPE_FILE = 1
STATUS_PUBLISHED = 2  # DataSet::STATUS_PUBLISHED
VISIBILITY_PUBLIC = 1


class PublicationError(Exception):
    """data.egov.bg refused or did not answer; the message says what it said."""


@dataclass(frozen=True)
class Answer:
    http_status: int | None
    body: dict


class Client:
    """A thin client for the API methods the publication needs."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 30):
        self.base_url, self.api_key, self.timeout = base_url.rstrip("/"), api_key, timeout

    def call(self, method: str, params: dict) -> Answer:
        body = json.dumps({"api_key": self.api_key, **params}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the URL comes from settings, https in production
            f"{self.base_url}/{method}",
            data=body,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return Answer(response.status, _json(response.read()))
        except urllib.error.HTTPError as error:
            return Answer(error.code, _json(error.read()))
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            return Answer(None, {"success": False, "error": {"type": "Network", "message": str(error)}})


def _json(raw: bytes) -> dict:
    try:
        found = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {"success": False, "error": {"type": "Answer", "message": raw[:500].decode("utf-8", "replace")}}
    return found if isinstance(found, dict) else {"success": False, "error": {"message": str(found)[:500]}}


def client_from_settings() -> Client | None:
    if not settings.DATA_EGOV_API_KEY:
        return None
    return Client(settings.DATA_EGOV_API_URL, settings.DATA_EGOV_API_KEY, settings.DATA_EGOV_TIMEOUT_SECONDS)


def _describe(answer: Answer) -> str:
    body = answer.body
    if body.get("success"):
        return json.dumps(body, ensure_ascii=False)[:2000]
    error = body.get("error") or {}
    details = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in (body.get("errors") or {}).items())
    return (f"{error.get('message') or 'no message'}" + (f" ({details})" if details else ""))[:2000]


class Step:
    """Calls one API method for a publication, records it, and raises on a refusal."""

    def __init__(self, client: Client, publication: Publication):
        self.client, self.publication = client, publication

    def __call__(self, method: str, params: dict) -> dict:
        answer = self.client.call(method, params)
        ok = bool(answer.body.get("success")) and (answer.http_status or 200) < 400
        PublicationAttempt.objects.create(
            publication=self.publication,
            method=method,
            at=timezone.now(),
            status=AttemptStatus.SUCCEEDED if ok else AttemptStatus.FAILED,
            http_status=answer.http_status,
            response=_describe(answer),
        )
        if not ok:
            raise PublicationError(f"{method}: {_describe(answer)}")
        return answer.body


def _texts() -> dict:
    return {
        "name": {
            "bg": "Внедряване на централните услуги на електронното управление от общините",
            "en": "Adoption of central e-government services by municipalities",
        },
        "description": {
            "bg": "Тримесечни издания на egov-portal: етап на внедряване (проверени декларации) и наблюдавано "
            "използване за всяка община. Речник на данните: колоните на всеки ресурс.",
            "en": "Quarterly editions of egov-portal: adoption stage (verified declarations) and observed use "
            "per municipality. Data dictionary: the columns of each resource.",
        },
    }


def _dataset_uri(step: Step) -> str:
    found = DataEgovDataset.objects.filter(key=DATASET_KEY).first()
    if found is not None:
        return found.uri
    data = {
        **_texts(),
        "category_id": settings.DATA_EGOV_CATEGORY_ID,
        "visibility": VISIBILITY_PUBLIC,
        "source": settings.SITE_URL + "/open/",
        "support_name": settings.OPEN_DATA_PUBLISHER_BG,
        "support_email": settings.OPEN_DATA_CONTACT_EMAIL,
        "tags": [{"name": "електронно управление"}, {"name": "общини"}],
    }
    if settings.DATA_EGOV_TERMS_OF_USE_ID:
        data["terms_of_use_id"] = settings.DATA_EGOV_TERMS_OF_USE_ID
    params = {"data": data}
    if settings.DATA_EGOV_ORG_ID:
        params["org_id"] = settings.DATA_EGOV_ORG_ID
    body = step("addDataset", params)
    uri = body.get("uri") or (body.get("data") or {}).get("uri")
    if not uri:
        raise PublicationError("addDataset: the answer carries no dataset URI")
    DataEgovDataset.objects.create(key=DATASET_KEY, uri=uri)
    return uri


def schema_description() -> str:
    return "\n".join(f"{c.name} ({c.type}): {c.bg} / {c.en}" for c in COLUMNS)


def rows_for(edition: Edition) -> list[list]:
    """The rows sent: a header row of the dictionary's columns, then the edition's CSV rows."""
    national = reading.national(edition)
    municipalities = list(
        edition.figures.filter(level=Level.MUNICIPALITY).order_by("code").values_list("payload", flat=True)
    )
    rows = flat_rows(summary(edition), national, municipalities)
    return [NAMES, *[["" if v is None else v for v in row] for row in rows]]


def publish(edition: Edition, client: Client) -> Publication:
    """Send one edition, resuming after the last step that succeeded.

    1. the dataset (once for all editions); 2. this edition's resource metadata with its schema;
    3. its rows (`updateResourceData` when a previous attempt may have loaded some); 4. publish.
    """
    publication, _ = Publication.objects.get_or_create(edition=edition)
    step = Step(client, publication)
    Publication.objects.filter(pk=publication.pk).update(attempts=publication.attempts + 1)
    publication.attempts += 1
    try:
        dataset_uri = _dataset_uri(step)
        if not publication.resource_uri:
            body = step(
                "addResourceMetadata",
                {
                    "dataset_uri": dataset_uri,
                    "data": {
                        "locale": "bg",
                        "name": f"Издание {edition.slug} (към {edition.as_of:%d.%m.%Y})",
                        "description": edition.note or f"Edition {edition.slug}",
                        "version": edition.slug,
                        "file_format": "CSV",
                        "type": RESOURCE_TYPE_FILE,
                        "schema_description": schema_description(),
                    },
                },
            )
            publication.resource_uri = (body.get("data") or {}).get("uri") or body.get("uri") or ""
            if not publication.resource_uri:
                raise PublicationError("addResourceMetadata: the answer carries no resource URI")
            publication.save(update_fields=["resource_uri"])
        if not publication.data_loaded:
            tried = publication.calls.filter(method__in=["addResourceData", "updateResourceData"]).exists()
            method = "updateResourceData" if tried else "addResourceData"
            step(method, {"resource_uri": publication.resource_uri, "data": rows_for(edition)})
            publication.data_loaded = True
            publication.save(update_fields=["data_loaded"])
        data = {**_texts(), "category_id": settings.DATA_EGOV_CATEGORY_ID, "status": STATUS_PUBLISHED}
        step("editDataset", {"dataset_uri": dataset_uri, "data": data})
    except PublicationError as error:
        _failed(publication, str(error))
        raise
    publication.published_at, publication.last_error, publication.next_attempt_at = timezone.now(), "", None
    publication.save(update_fields=["published_at", "last_error", "next_attempt_at"])
    return publication


def backoff(attempts: int) -> timedelta:
    """15 minutes after the first failure, doubling, at most a day."""
    return timedelta(minutes=min(15 * 2 ** max(attempts - 1, 0), 24 * 60))


def _failed(publication: Publication, message: str) -> None:
    publication.last_error = message
    done = publication.attempts >= settings.DATA_EGOV_MAX_ATTEMPTS
    publication.next_attempt_at = None if done else timezone.now() + backoff(publication.attempts)
    publication.save(update_fields=["last_error", "next_attempt_at"])


def due() -> list[Edition]:
    """Visible editions never published whose next attempt is due (the newest first)."""
    now = timezone.now()
    editions = Edition.objects.visible().filter(publication__isnull=True) | Edition.objects.visible().filter(
        publication__published_at__isnull=True, publication__next_attempt_at__lte=now
    )
    return list(editions.latest_first())


def publish_due(client: Client | None = None) -> list[Publication]:
    """The beat job's work: every due edition, one after the other; failures are recorded, not raised."""
    client = client or client_from_settings()
    if client is None:
        return []
    done = []
    for edition in due():
        with transaction.atomic():
            locked = Edition.objects.select_for_update(skip_locked=True).filter(pk=edition.pk).first()
            if locked is None:
                continue  # another worker is on it
            try:
                done.append(publish(locked, client))
            except PublicationError:
                continue
    return done
