"""Which origins are the site's own: the rule the /ws handshake applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from conference.domain.origins import origin_allowed, origin_of, site_origins
from conference.settings import ConfigError, load_settings

COURT = site_origins("https://vcourt.toaan.gov.vn/", ["https://Desk.ToaAn.gov.vn:8443"])


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://vcourt.toaan.gov.vn", "https://vcourt.toaan.gov.vn"),
        ("HTTPS://VCourt.ToaAn.gov.vn:443/", "https://vcourt.toaan.gov.vn"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:80", "http://[::1]"),
    ],
)
def test_origins_are_normalised(url: str, origin: str) -> None:
    assert origin_of(url) == origin


@pytest.mark.parametrize(
    "url",
    [
        "vcourt.toaan.gov.vn",
        "ftp://vcourt.toaan.gov.vn",
        "https://",
        "https://user@vcourt.toaan.gov.vn",
        "https://vcourt.toaan.gov.vn/path",
        "https://vcourt.toaan.gov.vn?x=1",
        "https://vcourt.toaan.gov.vn:99999",
    ],
)
def test_what_is_not_an_origin_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"origin|URL"):
        origin_of(url)


@pytest.mark.parametrize(
    "origin",
    [
        "https://vcourt.toaan.gov.vn",
        "https://VCOURT.toaan.gov.vn:443",
        "https://desk.toaan.gov.vn:8443",
    ],
)
def test_the_sites_own_origins_are_allowed(origin: str) -> None:
    assert origin_allowed(origin, COURT)


@pytest.mark.parametrize(
    "origin",
    [
        None,
        "",
        "null",
        "http://vcourt.toaan.gov.vn",  # plain http is another origin
        "https://vcourt.toaan.gov.vn:8443",
        "https://desk.toaan.gov.vn",  # the configured one has its own port
        "https://vcourt.toaan.gov.vn.evil.example",
        "https://evil.example",
        "https://vcourt.toaan.gov.vn@evil.example",
        "javascript:alert(1)",
    ],
)
def test_every_other_origin_is_refused(origin: str | None) -> None:
    assert not origin_allowed(origin, COURT)


def test_a_loopback_demo_accepts_its_other_loopback_names() -> None:
    demo = site_origins("http://127.0.0.1:8080", [])
    assert origin_allowed("http://localhost:8080", demo)
    assert not origin_allowed("http://localhost:8081", demo)
    assert not origin_allowed("http://127.0.0.1:8080.evil.example", demo)


def test_settings_check_the_configured_origins(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path,
        public_url="https://vcourt.toaan.gov.vn/vcourt",
        allowed_origins=["https://Desk.ToaAn.gov.vn/"],
    )
    assert settings.site_origins == {"https://vcourt.toaan.gov.vn", "https://desk.toaan.gov.vn"}
    with pytest.raises(ConfigError, match="VCOURT_ALLOWED_ORIGINS"):
        load_settings(data_dir=tmp_path, allowed_origins=["desk.toaan.gov.vn"])
