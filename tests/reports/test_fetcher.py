"""The PDF engine may load the report's own stylesheet and fonts, and data: URIs — nothing else."""

from __future__ import annotations

import os

import pytest
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from vendoreval.reports.fetcher import ReportAssetFetcher, ReportAssetRefused, asset_root


@pytest.fixture
def fetcher():
    return ReportAssetFetcher()


def test_stylesheet_and_bundled_fonts_are_served(fetcher):
    css = fetcher(fetcher.base_url + "css/report.css")
    assert b"@font-face" in css.read()
    assert css.content_type == "text/css"
    font = fetcher(fetcher.base_url + "fonts/DejaVuSans.ttf")
    assert len(font.read()) > 100_000
    assert fetcher.refused == []


def test_data_uri_is_allowed(fetcher):
    assert fetcher("data:text/plain;base64,aGVsbG8=").read() == b"hello"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/",
    "https://example.com/font.ttf",
    "HTTP://EXAMPLE.COM/",
    "ftp://example.com/x",
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "javascript:alert(1)",
    "about:blank",
    "relative/path.css",
])
def test_anything_else_is_refused(fetcher, url):
    with pytest.raises(ReportAssetRefused):
        fetcher(url)
    assert fetcher.refused == [url]
    assert fetcher.requested == [url]


@pytest.mark.parametrize("suffix", [
    "css/../../../../../../etc/passwd",
    "fonts/../../../../../../etc/passwd",
    "css/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "fonts/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "fonts/../../manage.py",
    "css/app.css",  # an app asset, but not one of the report's
    "js/app.js",
    "fonts/DejaVu-LICENSE.txt",
    "fonts/",
    "css/report.css?x=1",
])
def test_traversal_and_other_app_files_are_refused(fetcher, suffix):
    with pytest.raises(ReportAssetRefused):
        fetcher(fetcher.base_url + suffix)


def test_another_host_is_refused_even_for_the_asset_path(fetcher):
    with pytest.raises(ReportAssetRefused):
        fetcher(f"file://evil.example{asset_root()}/css/report.css")


def test_a_symlink_out_of_the_asset_folder_is_refused(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "css" / "report.css").write_text("p {}")
    os.symlink("/etc/passwd", tmp_path / "fonts" / "evil.ttf")
    fetcher = ReportAssetFetcher(root=tmp_path)
    assert fetcher(fetcher.base_url + "css/report.css").read() == b"p {}"
    with pytest.raises(ReportAssetRefused):
        fetcher(fetcher.base_url + "fonts/evil.ttf")


def test_no_redirects_are_followed(fetcher):
    # http(s) never reaches the network, so there is nothing that could redirect; the opener has no redirect handler.
    from urllib.request import HTTPRedirectHandler

    assert not any(isinstance(h, HTTPRedirectHandler) for h in fetcher.handlers)


def test_a_refused_resource_stops_the_rendering():
    fetcher = ReportAssetFetcher()
    html = '<p>x</p><img src="http://127.0.0.1:9/x.png">'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).write_pdf()
    assert fetcher.refused == ["http://127.0.0.1:9/x.png"]
