"""Turning GeoJSON boundaries into SVG paths, so maps render offline with no tile server."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SvgShape:
    """One unit's outline in SVG user units."""

    key: str
    path: str


@dataclass(frozen=True)
class SvgMap:
    view_box: str
    shapes: list[SvgShape]


def _rings(geometry: dict) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    else:
        for polygon in geometry["coordinates"]:
            yield from polygon


def project(geometries: dict[str, dict], width: float = 1000.0) -> SvgMap:
    """Project {key: geometry} to SVG paths with an equirectangular projection.

    Longitude is scaled by cos(mean latitude), which is accurate enough at Bulgaria's size.
    """
    points = [pt for geometry in geometries.values() for ring in _rings(geometry) for pt in ring]
    if not points:
        return SvgMap(view_box="0 0 1 1", shapes=[])
    min_x = min(p[0] for p in points)
    max_x = max(p[0] for p in points)
    min_y = min(p[1] for p in points)
    max_y = max(p[1] for p in points)
    kx = math.cos(math.radians((min_y + max_y) / 2))
    span = max((max_x - min_x) * kx, max_y - min_y, 1e-9)
    scale = width / span
    height = (max_y - min_y) * scale

    def xy(point: list[float]) -> str:
        return f"{(point[0] - min_x) * kx * scale:.1f},{(max_y - point[1]) * scale:.1f}"

    shapes = []
    for key, geometry in geometries.items():
        parts = ["M" + "L".join(xy(pt) for pt in ring) + "Z" for ring in _rings(geometry)]
        shapes.append(SvgShape(key=key, path="".join(parts)))
    return SvgMap(view_box=f"0 0 {(max_x - min_x) * kx * scale:.0f} {height:.0f}", shapes=shapes)
