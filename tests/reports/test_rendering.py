"""Rendering pauses Python's garbage collector for speed; it must always hand it back, whatever happens."""

from __future__ import annotations

import datetime as dt
import gc
from types import SimpleNamespace

import pytest

from vendoreval.reports import rendering


@pytest.fixture
def tiny_snapshot():
    return SimpleNamespace(date=dt.date(2026, 11, 25), canonical=b"{}", document_id="VE-000000000000-EN", language="en",
                           fingerprint="0" * 64)


def test_the_collector_runs_again_after_a_render(monkeypatch, tiny_snapshot):
    monkeypatch.setattr(rendering, "report_html", lambda snapshot: "<p>Procurement report</p>")
    assert gc.isenabled()
    pdf = rendering.render_pdf(tiny_snapshot)
    assert pdf.startswith(b"%PDF-")
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_failed_render(monkeypatch, tiny_snapshot):
    monkeypatch.setattr(rendering, "report_html", lambda snapshot: '<p>x</p><img src="http://127.0.0.1:9/x.png">')
    with pytest.raises(rendering.ReportRenderError, match="127.0.0.1"):
        rendering.render_pdf(tiny_snapshot)
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off(monkeypatch, tiny_snapshot):
    monkeypatch.setattr(rendering, "report_html", lambda snapshot: "<p>Procurement report</p>")
    gc.disable()
    try:
        rendering.render_pdf(tiny_snapshot)
        assert not gc.isenabled()
    finally:
        gc.enable()
