#!/usr/bin/env python3
"""Generates src/Sightline/Stats/countries.json, the coarse country lookup behind /v2/stats/toplist?cname=.

Source: the borders of the npm package @rapideditor/country-coder (ISC licence; borders simplified from
OpenStreetMap and Natural Earth). Usage: tools/countries/generate.sh (fetches the package with `npm pack`).
Each country keeps its English name in lower case and its polygons, coordinates rounded to 1e-3 degrees
(about 100 m): coarse on purpose, a street photo near a border may be counted in the neighbour.
"""
import json
import sys

borders = json.load(open(sys.argv[1]))
features = borders["features"]
by_code = {f["properties"]["iso1A2"]: f for f in features if f["properties"].get("iso1A2")}

countries = {}
aliases = {"united states of america": {"united states"}}
for feature in features:
    if not feature.get("geometry"):
        continue
    props = feature["properties"]
    # Parts of a country (England, Alaska, ...) carry their country's code; sovereign countries their own.
    code = props.get("country") or props.get("iso1A2")
    if not code or code not in by_code:
        continue
    owner = by_code[code]["properties"]
    if owner.get("country"):  # a territory whose own code points at another country: count it as itself
        owner = props
    name = owner["nameEn"].lower()
    # "Netherlands" inside "Kingdom of the Netherlands": the everyday name of the country's main part is an alias.
    part = props["nameEn"].lower()
    if part != name and part in name:
        aliases.setdefault(name, set()).add(part)
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        rings = [[[round(x, 3), round(y, 3)] for x, y in ring] for ring in polygon]
        countries.setdefault(name, []).append(rings)

out = [{"name": name, "aliases": sorted(aliases.get(name, [])), "polygons": polygons} for name, polygons in sorted(countries.items())]
json.dump({"source": "@rapideditor/country-coder borders (ISC), rounded to 1e-3 degrees", "countries": out},
          open(sys.argv[2], "w"), separators=(",", ":"))
print(f"{len(out)} countries", file=sys.stderr)
