"""The sample Grafana dashboard plots only metrics that /metrics serves."""

import json
import re
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana-dashboard.json"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


@pytest.mark.django_db
def test_every_dashboard_query_names_a_served_metric():
    served = {
        family.name + suffix
        for family in REGISTRY.collect()
        for suffix in SUFFIXES.get(family.type, ("",))
    }
    panels = json.loads(DASHBOARD.read_text())["panels"]
    used = {
        name
        for panel in panels
        for target in panel["targets"]
        for name in re.findall(r"\b((?:openips|process)_[a-z_]+)", target["expr"])
    }
    assert len(panels) >= 10
    assert used - served == set()
