"""No input gives a 500: every GET route with odd ids and query parameters, every POST route
with NUL, huge and non-ASCII-digit values, as an administrator and as nobody.

PostgreSQL refuses NUL in text and ids beyond 2³¹ (both were 500s); "²".isdigit() is true but
int("²") fails. The routes are read from the app, so a new endpoint is fuzzed too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Auth

ODD_QUERY = {"page": "²", "year": "abc", "period": "2024\x00", "account": "９９",
             "on": "9999-99-99", "sort": "\x00", "desc": "1", "month": "13", "q": "x" * 5000,
             "next": "//evil.example",
             "format": "exe", "level": "٣", "kind": "\x00", "township": "0", "partner": "²"}
ODD_FORM = {"\x00": "1", "username": "admin\x00", "password": "\x00", "on": "2024-02-30",
            "amount": "1e20", "year": "²", "month": "٣", "code": "\x00", "name": "x" * 100_000,
            "reason": "\x00", "text": "\x00", "quantity": "NaN", "members_total": "Infinity"}
SAMPLE = {"code": "shian-jjhzs", "township": "tashan", "org": "shian-jjhzs",
          "serial": "SHIAN-TDGF-00001", "short_code": "AB12CD34", "year": "2024",
          "period": "2024-Q1", "key": "2024-Q1", "filename": "x.png", "digest": "0" * 64}


def _paths(app: Flask, methods: set[str]) -> list[str]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not (rule.methods or set()) & methods:
            continue
        for big in ("1", str(2**31), str(2**40)):
            path = rule.rule
            for name in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", path):
                converter = rule._converters[name].__class__.__name__
                value = big if "Integer" in converter else SAMPLE.get(name, "x")
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
            found.append(path)
    return sorted(set(found))


@pytest.mark.parametrize("user", [None, "admin"])
def test_no_get_route_gives_a_500(client: FlaskClient, auth: Auth, app: Flask,
                                  user: str | None) -> None:
    if user:
        auth.login(user)
    failures = []
    for path in _paths(app, {"GET"}):
        for query in (ODD_QUERY, {}):
            response = client.get(path, query_string=query)
            if response.status_code >= 500:
                failures.append((path, response.status_code))
            response.close()
        nul = client.get(path + "%00")
        if nul.status_code >= 500:
            failures.append((path + "%00", nul.status_code))
    assert failures == []


@pytest.mark.parametrize("user", [None, "admin"])
def test_no_post_route_gives_a_500(client: FlaskClient, auth: Auth, app: Flask,
                                   user: str | None, by_name: Any) -> None:
    if user:
        auth.login(user)
    failures = []
    for path in _paths(app, {"POST"}):
        if path.endswith("/logout"):
            continue
        response = client.post(path, data=ODD_FORM)
        if response.status_code >= 500:
            failures.append((path, response.status_code))
        response.close()
    assert failures == []


def test_nul_is_refused_with_a_sentence(client: FlaskClient) -> None:
    response = client.post("/auth/login", data={"username": "admin\x00", "password": "x"})
    assert response.status_code == 400
    assert "提交的内容含有不允许的控制字符（NUL）" in response.get_data(as_text=True)
    assert client.get("/verify", query_string={"code": "AB\x00"}).status_code == 400
