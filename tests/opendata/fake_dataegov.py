"""A local stand-in for data.egov.bg's API, with the request and answer shapes of its source
(governmentbg/data-gov-bg: ApiController::successResponse / errorResponse and the Api controllers).

Success: {"success": true, ...}; failure: {"success": false, "status": code, "errors": {field: [..]},
"error": {"type": "General", "message": ...}} with that HTTP status.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "test-key-123"


class FakeDataEgov:
    def __init__(self, port: int):
        self.requests: list[tuple[str, dict]] = []
        self.datasets: dict[str, dict] = {}
        self.resources: dict[str, dict] = {}
        self.fail_next: dict[str, int] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                method = self.path.rsplit("/", 1)[-1]
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                fake.requests.append((method, body))
                status, answer = fake.answer(method, body)
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def error(message: str, errors: dict | None = None, code: int = 500) -> tuple[int, dict]:
        return code, {
            "success": False,
            "status": code,
            "errors": errors or {},
            "error": {"type": "General", "message": message},
        }

    def answer(self, method: str, body: dict) -> tuple[int, dict]:
        if body.get("api_key") != API_KEY:
            return self.error("Access denied", code=403)
        if self.fail_next.get(method):
            self.fail_next[method] -= 1
            return self.error("Temporary failure", code=500)
        handler = getattr(self, method, None)
        if handler is None:
            return self.error("Unknown method", code=404)
        return handler(body)

    def addDataset(self, body):  # noqa: N802 - the API's method names
        data = body.get("data") or {}
        errors = {}
        if not data.get("name"):
            errors["name"] = ["The name field is required."]
        if not isinstance(data.get("category_id"), int) or data["category_id"] < 1:
            errors["category_id"] = ["The category id field is required."]
        if errors:
            return self.error("Failed to add dataset", errors)
        uri = str(uuid.uuid4())
        self.datasets[uri] = {"data": data, "status": 1, "version": 1}
        return 200, {"success": True, "uri": uri}

    def addResourceMetadata(self, body):  # noqa: N802
        data = body.get("data") or {}
        if body.get("dataset_uri") not in self.datasets:
            return self.error(
                "Failed to add resource metadata", {"dataset_uri": ["The selected dataset uri is invalid."]}
            )
        if not data.get("schema_description") and not data.get("schema_url"):
            return self.error(
                "Failed to add resource metadata", {"schema_description": ["Required without schema_url."]}
            )
        if data.get("type") not in (1, 2, 3):
            return self.error("Failed to add resource metadata", {"type": ["The selected type is invalid."]})
        uri = str(uuid.uuid4())
        self.resources[uri] = {"dataset": body["dataset_uri"], "meta": data, "rows": None}
        return 200, {"success": True, "data": {"uri": uri}}

    def _data(self, body, failure: str):
        if body.get("resource_uri") not in self.resources:
            return self.error(failure, {"resource_uri": ["The selected resource uri is invalid."]})
        if not isinstance(body.get("data"), list) or not body["data"]:
            return self.error(failure, {"data": ["The data field is required."]})
        self.resources[body["resource_uri"]]["rows"] = body["data"]
        return 200, {"success": True}

    def addResourceData(self, body):  # noqa: N802
        return self._data(body, "Failed to add resource data")

    def updateResourceData(self, body):  # noqa: N802
        return self._data(body, "Failed to update resource data")

    def editDataset(self, body):  # noqa: N802
        uri = body.get("dataset_uri")
        if uri not in self.datasets:
            return self.error("Failed to edit dataset", {"dataset_uri": ["The selected dataset uri is invalid."]})
        data = body.get("data") or {}
        if data.get("status") == 2:
            empty = [r for r, res in self.resources.items() if res["dataset"] == uri and not res["rows"]]
            if empty:
                return self.error(
                    "Failed to edit dataset", {"status": [f"Resources without data ({', '.join(empty)})"]}
                )
        self.datasets[uri]["status"] = data.get("status", self.datasets[uri]["status"])
        return 200, {"success": True}
