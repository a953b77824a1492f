"""The agreement table is checked once per text: a test process starts hundreds of hubs from the
shipped file (``hub.adapters.afspraken_loader.lees_afspraken``), an edited file is checked anew."""

from __future__ import annotations

import pytest
import yaml

from hub.adapters.afspraken_loader import STANDAARD_BESTAND, AfsprakenOngeldig, lees_afspraken


def test_the_same_text_is_checked_once_and_an_edited_one_anew(monkeypatch):
    parsed: list[str] = []
    load = yaml.load

    def counted(stream, Loader):
        parsed.append(stream)
        return load(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", counted)
    tekst = STANDAARD_BESTAND.read_text(encoding="utf-8") + "\n# this test's own copy\n"
    eerste = lees_afspraken(tekst, bron="a.yaml")
    assert lees_afspraken(tekst, bron="a.yaml") is eerste
    assert len(parsed) == 1
    bewerkt = lees_afspraken(tekst.replace("editie:", "editie: x", 1), bron="a.yaml")
    assert len(parsed) == 2 and bewerkt.editie.startswith("x")
    for _ in range(2):  # a broken file is refused every time it is read
        with pytest.raises(AfsprakenOngeldig):
            lees_afspraken("formaat: 2\n", bron="b.yaml")
    assert len(parsed) == 4
