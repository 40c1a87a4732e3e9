from app.services.reception import ReceptionInput

CCCD_DUC = "038090001234"


def birth(name="Nguyễn Văn Đức", **kw):
    return ReceptionInput("1.001193", name, **kw)


def copy_cert(name="Trần Thị Bình", pages=5, copies=2, **kw):
    return ReceptionInput("2.000815", name, pages=pages, copies=copies, **kw)


def marriage_status(name="Lê Văn Cường", **kw):
    return ReceptionInput("XA.HT.TTHN", name, manual_fee=kw.pop("manual_fee", 20000), **kw)
