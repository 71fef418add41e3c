"""Links printed in QR codes and documents use PUBLIC_URL, never the request's Host header,
and a deployment that names its address refuses requests for any other host (issue 16)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from coopledger import create_app
from coopledger.web import public_url_for


def _app(tmp_path: Path, **config: object) -> Flask:
    # JOBS_IMMEDIATE as in every test app: the job queue is one per process, and a second app
    # without it would send the jobs of the tests after this one to a queue nobody reads
    return create_app({"TESTING": True, "JOBS_IMMEDIATE": True, **config,
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                       "STORAGE_DIR": str(tmp_path / "storage")})


def test_a_named_deployment_refuses_a_forged_host_and_links_to_its_address(
        tmp_path: Path) -> None:
    app = _app(tmp_path, PUBLIC_URL="https://coop.example.cn")
    client = app.test_client()
    assert client.get("/favicon.ico", headers={"Host": "evil.example"}).status_code == 400
    with client.get("/favicon.ico", headers={"Host": "coop.example.cn"}) as ok:
        assert ok.status_code == 200
    with app.test_request_context("/", headers={"Host": "coop.example.cn"}):
        assert public_url_for("shares.check", serial="S-1", version=2, token="t0k") == \
            "https://coop.example.cn/c/S-1/2/t0k"


def test_links_ignore_the_host_header_when_no_address_is_named(tmp_path: Path) -> None:
    app = _app(tmp_path)
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        link = public_url_for("disclosure_public.organisation", code="shian-jjhzs")
    assert link == "http://127.0.0.1:5000/p/shian-jjhzs"
