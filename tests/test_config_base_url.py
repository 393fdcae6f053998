"""The public base URL (QR, receipt and SMS links) defaults to where `make run` listens (issue 14, defect 8)."""
from app.config import Config


def test_the_base_url_follows_port(monkeypatch):
    monkeypatch.delenv("PRAVAH_PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORT", "8123")
    assert Config().PUBLIC_BASE_URL == "http://127.0.0.1:8123"
    monkeypatch.delenv("PORT")
    assert Config().PUBLIC_BASE_URL == "http://127.0.0.1:5000"
    monkeypatch.setenv("PRAVAH_PUBLIC_URL", "https://pravah.example.gov.in/")
    assert Config().PUBLIC_BASE_URL == "https://pravah.example.gov.in"
