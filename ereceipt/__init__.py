"""Electronic fee receipts (biên lai thu phí, lệ phí điện tử), required from 01/01/2027.

Pure Python over lxml and cryptography: no Qt, no SQL. The desk's services and the hub both import
it; it imports nothing from `app` except `app.core`. What is here:

- `content`: the legal content of one e-receipt (NĐ 254/2026 Điều 23 k2) as a frozen dataclass;
- `xml_adapter`: the ONE module that names the receipt body's XML elements (the official list is
  not published; see shared/domain.md §13.2);
- `envelope`: the QĐ 1271 message (`TDiep`/`TTChung`/`DLieu`) every document travels in;
- `signing`: XMLDSig in three steps (prepare → sign the digest → finish), key holders;
- `verify`: checking a signature; `summary`, `notice`, `registration`: Mẫu 01/TH-BLĐT,
  Mẫu 04/SS-CTĐT and Mẫu 01/ĐKTĐ-CTĐT built from plain inputs.
"""
