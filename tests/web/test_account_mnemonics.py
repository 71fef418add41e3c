"""助记码 on the chart page (issue 19): generated for every account (official ones by the
chart, sub-accounts when added), changed by the accountant, cleared back to the generated one,
a bad one refused with its sentence and nothing saved, a rename carrying a generated 助记码
along and keeping a typed one; the voucher form's suggestion data lists leaves only, with the
path's initials."""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.ledger.models import Account
from tests.conftest import Auth

CHART = "/o/shian-tdgf/books/accounts"


def _account(code: str) -> Account:
    found = db.session.scalars(sa.select(Account).join(Account.organisation).where(
        Account.code == code, Account.organisation.has(code="shian-tdgf"))).one()
    db.session.refresh(found)
    return found


def test_mnemonics_are_generated_edited_and_offered_to_the_voucher_form(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("accountant")
    assert (_account("101").mnemonic, _account("102").mnemonic) == ("kcxj", "yhck")
    client.post(CHART, data={"parent": "102", "code": "10201", "name": "农商行"})
    bank = _account("10201")
    assert bank.mnemonic == "nsh"
    page = client.get(CHART).get_data(as_text=True)
    assert 'value="nsh"' in page

    url = f"{CHART}/{bank.id}/mnemonic"
    answer = client.post(url, data={"mnemonic": " NSH yh "}, follow_redirects=True)
    assert "已保存。" in answer.get_data(as_text=True)
    assert _account("10201").mnemonic == "nshyh"
    answer = client.post(url, data={"mnemonic": "农商"}, follow_redirects=True)
    assert "助记码只能由字母和数字组成，最多 16 位。" in answer.get_data(as_text=True)
    assert _account("10201").mnemonic == "nshyh"                     # nothing saved
    client.post(f"{CHART}/{bank.id}/rename", data={"name": "信用社"})
    assert _account("10201").mnemonic == "nshyh"                     # typed: kept
    client.post(url, data={"mnemonic": ""})
    assert _account("10201").mnemonic == "xys"                       # cleared: generated
    client.post(f"{CHART}/{bank.id}/rename", data={"name": "农商银行"})
    assert _account("10201").mnemonic == "nsyh"                      # generated: follows

    form = client.get("/o/shian-tdgf/vouchers/new").get_data(as_text=True)
    data = re.search(r'<script type="application/json" id="account-choices">(.*?)</script>',
                     form, re.S)
    assert data is not None
    choices = {c["c"]: c for c in json.loads(data.group(1))}
    assert "102" not in choices                                      # not a leaf any more
    assert choices["10201"] == {"c": "10201", "t": "10201 银行存款—农商银行",
                                "k": "nsyh yhck yhcknsyh"}
    assert choices["101"]["k"] == "kcxj"


def test_only_the_books_keeper_changes_a_mnemonic(client: FlaskClient, auth: Auth) -> None:
    auth.login("auditor")
    cash = _account("101")
    assert client.post(f"{CHART}/{cash.id}/mnemonic", data={"mnemonic": "xj"}).status_code == 403
    assert _account("101").mnemonic == "kcxj"
    page = client.get(CHART).get_data(as_text=True)
    assert "<code>kcxj</code>" in page
    assert 'name="mnemonic"' not in page
