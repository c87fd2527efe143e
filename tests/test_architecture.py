"""The house drawn true: the import rules of docs/architecture.md hold for the product code."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
sys.path.insert(0, str(ROOT / "scripts"))

import check_architecture  # noqa: E402


def test_the_product_code_has_no_cycle_and_no_import_against_the_layers():
    assert check_architecture.problems(ROOT) == []


def _app(tmp_path: Path, name: str, files: dict[str, str]) -> None:
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text("")
    for file, text in files.items():
        (tmp_path / name / file).write_text(text)


@pytest.fixture
def small_house(tmp_path, monkeypatch):
    """core < adoption: a tree of two apps that breaks both rules."""
    monkeypatch.setattr(check_architecture, "RANK", {"core": 0, "adoption": 1})
    monkeypatch.setattr(check_architecture, "ALLOWED_UPWARD", {})
    monkeypatch.setattr(check_architecture, "ALLOWED_CYCLES", {})
    _app(tmp_path, "core", {"health.py": "def f():\n    from adoption.models import Adoption\n"})
    _app(tmp_path, "adoption", {"models.py": "from . import services\n", "services.py": "from .models import x\n"})
    return tmp_path


def test_the_check_finds_an_upward_import_even_inside_a_function(small_house):
    found = check_architecture.problems(small_house)
    assert "core.health imports adoption.models: core may not import adoption (see docs/architecture.md)" in found


def test_the_check_finds_a_cycle_between_modules(small_house):
    assert "import cycle: adoption.models <-> adoption.services" in check_architecture.problems(small_house)


def test_the_check_refuses_an_app_without_a_layer(small_house, monkeypatch):
    monkeypatch.setattr(check_architecture, "RANK", {"core": 0})
    assert any("has no layer" in problem for problem in check_architecture.problems(small_house))


def test_every_app_has_a_layer_and_a_row_in_docs_architecture():
    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    ours.add("egov_portal")
    assert ours <= set(check_architecture.RANK)
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", doc, re.M))
    assert ours <= rows, f"docs/architecture.md lacks {sorted(ours - rows)}"
