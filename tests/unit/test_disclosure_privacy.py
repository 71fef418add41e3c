"""Nothing published carries an ID, bank or phone number (DESIGN §11, issue 16): what people
write for a disclosure is refused with the place named; what comes from the books is masked."""

from __future__ import annotations

from coopledger.disclosure.rules import personal_numbers
from coopledger.ids import masked_json, masked_numbers, unmasked


def test_numbers_are_found_however_they_are_written() -> None:
    assert unmasked("户主身份证 21132219600101001X") == ["21132219600101001X"]
    assert unmasked("卡号 6228 4800 1234 5678 901") == ["6228480012345678901"]
    assert unmasked("电话 138-1234-5678，座机 0421-7654321") == ["13812345678", "04217654321"]
    assert unmasked("手机１３８１２３４５６７８") == ["13812345678"]         # full-width digits
    # dates, amounts, voucher numbers and short codes are not personal numbers
    assert unmasked("2024-03-05 记-12 收到 8,000.00 元，校验码 K7Q2M9ABCDEF") == []


def test_text_from_the_books_is_masked() -> None:
    assert masked_numbers("退张三押金，电话13812345678") == "退张三押金，电话138******78"
    assert masked_numbers("收到租金") == "收到租金"


def test_what_people_wrote_is_named_place_by_place() -> None:
    body = {"explanation": "联系人王五 13912345678", "correction_reason": "",
            "posts": [{"title": "低保名单", "body": "李四 211322196001010011"}],
            "reviews": [{"comment": "同意"}], "township_opinion": "无异议",
            "contents": {"cash_flow": {"items": [{"summary": "13812345678"}]}}}
    assert personal_numbers(body) == [("说明", "1391…5678"),
                                      ("公开事项“低保名单”", "2113…0011")]


def test_hyphenated_phones_are_masked_but_voucher_links_are_left() -> None:
    assert masked_numbers("王五 138-1234-5678") == "王五 138******78"
    assert unmasked("凭证 2025-03-000123 于 2025-03-05") == []


def test_audit_values_are_masked_deep_inside() -> None:
    before = {"phone": "13812345678", "persons": [{"id_number": "211322196001010011"}],
              "amount": "12.50", "count": 3}
    assert masked_json(before) == {"phone": "138******78",
                                   "persons": [{"id_number": "211*************11"}],
                                   "amount": "12.50", "count": 3}
