"""The record forms' one layout: long texts flow over pages instead of failing."""

import io

from pypdf import PdfReader

from wushe.core import pdf


def test_a_long_text_continues_on_the_next_page():
    long_text = "服务对象讲述了近半年来的生活变化。" * 400
    form = pdf.Form("个案服务记录表", "个案-04", sections=[pdf.Section("记录", [
        pdf.Text("服务内容", long_text), pdf.Rows(["日期", "内容"], [["2026-11-01", long_text]])])],
        signatures=["社工签名"])
    reader = PdfReader(io.BytesIO(pdf.render(form)))
    assert len(reader.pages) > 2
    text = "".join(p.extract_text() for p in reader.pages)
    assert "个案服务记录表" in text and "社工签名" in text


def test_a_blank_form_keeps_the_labels_and_drops_the_values():
    form = pdf.Form("结案表", "个案-06", sections=[pdf.Section("一", [pdf.Cells([("服务对象", "王大爷")]),
                                                                     pdf.Text("结案小结", "目标达成")])])
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.render(form, blank=True))).pages)
    assert "服务对象" in text and "结案小结" in text and "王大爷" not in text and "目标达成" not in text
