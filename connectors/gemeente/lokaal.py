"""How ``make run`` runs the municipalities' connector and simulated back-office: the gemeente's
local run recipe (entry-point group ``maatwerk_hub.local_run``, :mod:`schemas.lokaal`).

The simulated social-services host serves several municipalities over mutual TLS with the host's
certificate of the local CA; the one connector reaches each municipality's tenant with that
municipality's own certificate, as named in the ``gemeenten.json`` this recipe writes into the
stack's state directory (the municipalities of :data:`~connectors.gemeente.gemeenten.STANDAARD`).
"""

from __future__ import annotations

import json

from connectors.gemeente.gemeenten import STANDAARD
from schemas.lokaal import LokaalRecept, LokaleOmgeving
from schemas.organisaties import ORGANISATIES

BRON = "connectors/gemeente/gemeenten.json"
HOST = "sociaal-domein"
"""The simulated host's certificate in the local CA (``deploy/pki/local_ca.py``)."""


def recept(omgeving: LokaleOmgeving) -> LokaalRecept:
    """Writes ``<var_dir>/gemeenten.json`` (each municipality with its own certificate, the
    back-office checked against the local CA) and runs the simulator over mutual TLS."""
    pki = omgeving.pki_dir
    codes = {o.oin: o.code for o in ORGANISATIES}
    config = json.loads(STANDAARD.read_text(encoding="utf-8"))
    config["_toelichting"] = f"Written by make run (connectors/gemeente/lokaal.py) from {BRON}."
    config["cafile"] = str(pki / "ca.pem")
    for gemeente in config["gemeenten"]:
        code = codes[gemeente["oin"]]
        gemeente["certfile"] = str(pki / f"{code}.pem")
        gemeente["keyfile"] = str(pki / f"{code}.key")
    doel = omgeving.var_dir / "gemeenten.json"
    doel.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return LokaalRecept(
        simulator_args=(
            "--tls-cert",
            str(pki / f"{HOST}.pem"),
            "--tls-key",
            str(pki / f"{HOST}.key"),
            "--tls-ca",
            str(pki / "ca.pem"),
        ),
        simulator_tls=True,
        connector_env={"CONNECTOR_GEMEENTEN_FILE": str(doel)},
        toelichting="several municipalities, mutual TLS",
    )
