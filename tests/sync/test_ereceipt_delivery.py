"""Issue 10's "Done means", end to end with real parts: a desk (real SQLite file, real PKCS#12 key)
whose clock says 01/01/2027 07:30 collects a fee with the line down and issues a signed e-receipt;
the line returns and a sync round pushes it; the hub (real uvicorn, SQLite and PostgreSQL) stores
it; the transmit pass delivers it to the provider simulator (another uvicorn on 127.0.0.1), which
accepts it; the desk's next round pulls the state; a wrong receipt is voided and replaced, and the
notice and the replacement reach the simulator too; the citizen's printed QR opens the hub's lookup
page; Debian's xmlsec1 verifies every XML the desk made. Then a provider outage ridden out with
retries, and a rejection whose reason reaches the desk."""

import shutil
import socket
import subprocess
from datetime import datetime

import requests
from cryptography import x509

from app.services import ereceipts
from app.services.receipts import issue_receipt, void_receipt
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from sync.hub.ereceipts import TransmitSettings, transmit_once
from sync.hub.transmit import HttpTransmitter, RetryPolicy
from sync.provider_sim.app import SimState
from tests.helpers.data import copy_cert
from tests.helpers.ereceipt_desk import add_e_range, configure, xmlsec1
from tests.sync.ereceipt_ops import outage, signer, simulator

NEW_YEAR = datetime(2027, 1, 1, 7, 30)
TAX_CODE = "2800123456"
FAST = TransmitSettings(policy=RetryPolicy(base=0.01, cap=0.05, attempts=4, poll_interval=0, polls=5))


def dead_address() -> str:
    """An address where nothing listens: the line is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def e_desk(make_desk, clock, folder, name="mot", workstation=1):
    desk = make_desk(name, workstation)
    configure(desk, folder)
    add_e_range(desk, first=workstation * 1000, last=workstation * 1000 + 999)
    clock.set(NEW_YEAR)
    return desk


def certificate(desk) -> x509.Certificate:
    return x509.load_pem_x509_certificate(ereceipts.signing_certificate_pem(desk))


def synced(client: SyncClient) -> None:
    result = client.round()
    assert result.online and not result.problem and not result.rejected, result


def state(desk, uid: str) -> str:
    return ereceipts.ereceipt_of(desk, uid).state


def qr_of_citizen_copy(desk, uid: str, folder) -> str:
    pdf = folder / "ban-cong-dan.pdf"
    pdf.write_bytes(ereceipts.citizen_copy_pdf(desk, uid))
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(folder / "trang")], check=True)
    page = next(folder.glob("trang*.png"))
    return subprocess.run(["zbarimg", "--raw", "-q", str(page)], capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()[0]


def test_new_years_morning_offline_then_delivered_accepted_and_corrected(make_desk, hub, clock, tmp_path):
    desk = e_desk(make_desk, clock, tmp_path)
    client = SyncClient(desk)
    hub_address, client.base = client.base, dead_address()
    # 07:30 on 01/01/2027, line down: the fee is collected and the e-receipt signed at the desk.
    dossier = receive_dossier(desk, copy_cert("Trần Thị Bình"))
    wrong = issue_receipt(desk, dossier_uid=dossier.uid)
    assert wrong.kind == "electronic" and wrong.lookup_code
    assert not client.round().online
    assert state(desk, wrong.uid) == "signed"
    # The line returns: one round pushes it, the hub stores it and says so in the same round's pull.
    client.base = hub_address
    synced(client)
    assert state(desk, wrong.uid) == "at_hub"
    with simulator(SimState(registered={TAX_CODE: certificate(desk)})) as sim:
        report = transmit_once(hub.engine, HttpTransmitter(sim.url), FAST)
        assert report.moved("accepted") == 1
        assert list(sim.accepted) == [f"{TAX_CODE}/EBL01-27TAA-00001000"]
        synced(client)
        assert state(desk, wrong.uid) == "accepted"
        # The payer's name was wrong: void with its notice, and a replacement that links the original.
        clock.advance(minutes=20)
        notice_id = void_receipt(desk, wrong.uid, reason="Ghi sai tên người nộp", replacing=True)
        fix = issue_receipt(desk, dossier_uid=dossier.uid, replaces_uid=wrong.uid, payer_name="Trần Thị Bình An")
        synced(client)
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).moved("accepted") == 2
        synced(client)
        assert sorted(sim.accepted) == [f"{TAX_CODE}/EBL01-27TAA-00001000", f"{TAX_CODE}/EBL01-27TAA-00001001"]
        assert len(sim.notices) == 1 and "EBL01-27TAA-00001000" in next(iter(sim.notices))
    original, replacement = ereceipts.ereceipt_of(desk, wrong.uid), ereceipts.ereceipt_of(desk, fix.uid)
    assert original.status == "voided" and [(n.uid, n.state) for n in original.notices] == [(notice_id, "accepted")]
    assert (replacement.state, replacement.replaces_uid) == ("accepted", wrong.uid)
    # The citizen's printed copy: its QR opens the hub's public page, which finds the signature valid.
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        desk_url = qr_of_citizen_copy(desk, fix.uid, tmp_path)
        page = requests.get(desk_url.replace(desk_url.split("/tra-cuu")[0], hub.url), timeout=10)
        assert page.status_code == 200 and "Chữ ký số hợp lệ" in page.text and "Trần Thị Bình An" in page.text
    # Debian's xmlsec1, an implementation independent of ours, verifies every XML the desk made.
    pem = ereceipts.signing_certificate_pem(desk)
    made = [(ereceipts.signed_xml(desk, receipt_uid=uid)[1], "DLBLai") for uid in (wrong.uid, fix.uid)]
    made.append((ereceipts.notice_xml(desk, notice_id), "DLTBao"))
    for xml, element in made:
        run = xmlsec1(xml, pem, tmp_path, element)
        assert run.returncode == 0 and "OK" in run.stdout + run.stderr, run.stderr


def test_a_provider_outage_is_ridden_out_and_a_rejection_reaches_the_desk(make_desk, hub, clock, tmp_path):
    desk = e_desk(make_desk, clock, tmp_path)
    client = SyncClient(desk)
    first = issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert("Lê Văn An")).uid)
    synced(client)
    with simulator(SimState(registered={TAX_CODE: certificate(desk)})) as sim:
        outage(sim, True)
        report = transmit_once(hub.engine, HttpTransmitter(sim.url), FAST)
        assert report.retries == FAST.policy.attempts - 1 and report.moves == {}
        synced(client)
        assert state(desk, first.uid) == "at_hub"  # still waiting; nothing lost
        outage(sim, False)
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).moved("accepted") == 1
        synced(client)
        assert state(desk, first.uid) == "accepted"
    # The provider holds another certificate for this tax code: it rejects, and the desk shows why.
    second = issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert("Phạm Thị Hà")).uid)
    synced(client)
    stranger = signer(tmp_path, "Đơn vị khác", TAX_CODE).certificate()
    with simulator(SimState(registered={TAX_CODE: stranger})) as sim:
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).moved("rejected") == 1
    synced(client)
    line = ereceipts.ereceipt_of(desk, second.uid)
    assert line.state == "rejected" and "chứng thư số khác với chứng thư đã đăng ký" in line.reason
    assert state(desk, first.uid) == "accepted"
