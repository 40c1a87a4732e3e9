"""Setting up a commune's database: identity, workstation, catalogue and holiday tables."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.assets import load_json
from app.core.codes import validate_agency_id, validate_workstation
from app.core.errors import ValidationError
from app.core.permissions import Perm
from app.core.text import nfc
from app.services.catalogue import seed_catalogue
from app.services.desk import Desk
from app.services.settings import defaults, save_settings
from app.store.models import Setting


@dataclass(frozen=True)
class CommuneSetup:
    agency_id: str
    commune_name: str
    workstation_no: int = 1
    agency_name: str = ""
    place_name: str = ""
    device_name: str = ""


def init_commune(desk: Desk, setup: CommuneSetup) -> None:
    """Idempotent: settings are (re)written, catalogue versions added only when missing."""
    desk.require(Perm.SETTINGS)
    agency_id = validate_agency_id(setup.agency_id)
    workstation = validate_workstation(setup.workstation_no)
    commune = nfc(setup.commune_name)
    if not commune:
        raise ValidationError("Hãy nhập tên xã, phường.", field="commune_name")
    rules = load_json("rules", "rules.json")
    with desk.write() as connection:
        stored = set(connection.execute(select(Setting.__table__.c.key)).scalars())
        base = {k: v for k, v in defaults().items() if k not in stored}
        base.update(
            agency_id=agency_id, commune_name=commune, workstation_no=workstation,
            agency_name=nfc(setup.agency_name) or f"UBND {commune[:1].lower()}{commune[1:]}",
            place_name=nfc(setup.place_name) or commune.removeprefix("Xã ").removeprefix("Phường "),
            device_name=nfc(setup.device_name) or f"Máy trạm {workstation}",
            paper_receipts_until=rules["receipts"][-1]["paper_receipts_until"],
            deadline_warning_days=rules["deadline_warning_working_days"], same_day_cutoff=rules["same_day_cutoff"],
        )
        save_settings(connection, **base)
        seed_catalogue(connection, load_json("catalogue", "procedures.json"), source="seed")
    desk.forget_cached()
    desk.calendar()  # builds the holiday tables of the years around today
