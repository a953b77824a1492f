"use strict";
const OVERZICHT = "/api/v1/ops/overzicht";
const DEAD_LETTERS = "/api/v1/ops/dead-letters?per_pagina=8";
const METRICS = "/metrics";
const KNELPUNTEN = "/api/v1/knelpunten/rapport";
const REEKSEN = "/api/v1/ops/reeksen";
const INTERVAL_MS = 2000;
const GRAFIEK_INTERVAL_MS = 10000;

/* Audit actions in Dutch: "<instrument>.<what>". A few have a text of their own; the others are
   named by instrument and step (step names the hub writes in English are translated here). */
const ACTIES = {
  "casus.ingediend": ["Casus ingediend", ""],
  "opschorting.opgedragen": ["Time-out opgedragen", "opgedragen"],
  "opschorting.antwoord-genegeerd": ["Time-out: antwoord genegeerd", "genegeerd"],
  "informatie.antwoord-genegeerd": ["Informatieverzoek: antwoord genegeerd", "genegeerd"],
  "outbox.retry": ["Outbox: opnieuw geprobeerd", ""],
  "outbox.discard": ["Outbox: opgegeven", "fout"],
  "verzoek.undeliverable": ["Verzoek onbestelbaar", "fout"],
  "verzoek.aflevering-genegeerd": ["Verzoek: afleverfout genegeerd", "genegeerd"],
};
const INSTRUMENTEN = {
  casus: "Casus", opschorting: "Time-out", informatie: "Informatieverzoek",
  schuldenoverzicht: "Schuldenoverzicht", escalatie: "Escalatie", overbrugging: "Overbrugging",
  afwijking: "Afwijking", register: "Register", verzoek: "Verzoek", outbox: "Outbox",
  "dead-letter": "Dead letter",
};
const STAPPEN = {
  confirmed: ["bevestigd", "bevestigd"], partially_confirmed: ["deels bevestigd", "deels"],
  refused: ["geweigerd", "geweigerd"], undeliverable: ["onbestelbaar", "fout"],
  pending: ["in afwachting", ""], replay: ["opnieuw aangeboden", ""], retry: ["opnieuw geprobeerd", ""],
  discard: ["opgegeven", "fout"],
};
function actie(code) {
  if (ACTIES[code]) return ACTIES[code];
  const punt = (code || "").indexOf(".");
  if (punt < 0) return [code || "–", ""];
  const instrument = code.slice(0, punt), stap = code.slice(punt + 1);
  const [tekst, soort] = STAPPEN[stap] || [stap.replace(/[-_]/g, " "), ""];
  return [`${INSTRUMENTEN[instrument] || instrument}: ${tekst}`, soort];
}

/* Every text goes in as a text node: data is never parsed as HTML. */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  }
  return node;
}

const tijdFormaat = new Intl.DateTimeFormat("nl-NL", {hour: "2-digit", minute: "2-digit", second: "2-digit"});
const datumFormaat = new Intl.DateTimeFormat("nl-NL", {day: "numeric", month: "short"});
function tijd(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  const vandaag = new Date().toDateString() === d.toDateString();
  return (vandaag ? "" : datumFormaat.format(d) + " ") + tijdFormaat.format(d);
}
function duur(seconden) {
  if (seconden === null || seconden === undefined) return "leeg";
  if (seconden < 60) return `oudste ${Math.round(seconden)} s`;
  if (seconden < 3600) return `oudste ${Math.round(seconden / 60)} min`;
  return `oudste ${(seconden / 3600).toFixed(1)} uur`;
}
/* Who did it: the organisation whose certificate (OIN) called, named when the hub knows it;
   a system by its name. Never the casus's indiener_oin: that is another thing. */
function actor(regel) {
  const text = regel.actor || "";
  const systeem = /:systeem:(.+)$/.exec(text);
  if (systeem) return systeem[1];
  const oin = /^urn:nld:oin:([0-9]+)$/.exec(text);
  if (!oin) return text || "–";
  const kort = `OIN …${oin[1].slice(-6)}`;
  return regel.organisatie ? `${regel.organisatie} (${kort})` : `certificaat ${kort}`;
}
function bytes(n) {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} kB`;
}

function tegel(soort, getal, label, extra) {
  const t = el("div", `tegel ${soort}`, el("div", "getal", getal), el("div", "label", label));
  if (extra) t.append(el("div", "extra", extra));
  return t;
}

function toonOverzicht(o) {
  const late = o.verzoeken.late;
  const laat = tegel("laat", late, "Verzoeken te laat", "in afwachting na de reactietermijn");
  if (late > 0) laat.classList.add("actief");
  const dood = tegel("dood", o.dead_letters.last_hour, "Dead letters laatste uur",
    `${o.dead_letters.total} in totaal`);
  if (o.dead_letters.last_hour > 0) dood.classList.add("actief");
  const onbestelbaar = tegel("laat", o.verzoeken.undeliverable, "Verzoeken onbestelbaar",
    "niet afgeleverd bij de backoffice");
  if (o.verzoeken.undeliverable > 0) onbestelbaar.classList.add("actief");
  const outboxDood = tegel("dood", o.outbox.dead, "Outbox opgegeven", "wacht op een operator");
  if (o.outbox.dead > 0) outboxDood.classList.add("actief");
  const outboxVast = tegel("laat", o.outbox.held, "Outbox vastgehouden", "achter een opgegeven bericht");
  if (o.outbox.held > 0) outboxVast.classList.add("actief");
  const ovb = o.overbruggingen;
  const urgent = tegel("laat", ovb.urgent_onbeslist, "Overbruggingen urgent onbeslist",
    ovb.urgent.length ? `${duur(ovb.urgent[0].wacht_seconden)}; ${ovb.onbeslist} onbeslist`
      : `${ovb.onbeslist} onbeslist`);
  if (ovb.urgent_onbeslist > 0) urgent.classList.add("actief");
  document.getElementById("tegels").replaceChildren(
    tegel("wachtend", o.opschortingen.pending, "Time-outs lopend", "nog niet elke uitvoerder antwoordde"),
    tegel("bevestigd", o.opschortingen.confirmed, "Time-outs bevestigd", "door alle uitvoerders"),
    tegel("onvolledig", o.opschortingen.incomplete, "Time-outs onvolledig", "geweigerd of deels bevestigd"),
    tegel("wachtend", o.verzoeken.pending, "Verzoeken in afwachting", `van ${totaalVerzoeken(o.verzoeken)} in totaal`),
    onbestelbaar,
    laat,
    tegel("outbox", o.outbox.unsent, "Outbox onverzonden", duur(o.outbox.oldest_unsent_age_seconds)),
    outboxDood,
    outboxVast,
    urgent,
    dood,
  );
  toonOutboxDood(o.outbox.dead_newest);
  toonOutboxVast(o.outbox.held_newest);

  const contactpunt = new Map((o.contactpunten || []).map((c) => [c.uitvoerder, c]));
  const rijen = o.per_uitvoerder.map((u) => el("tr", "",
    el("td", "", el("span", "naam", u.naam), el("span", "onder code", u.uitvoerder)),
    el("td", u.pending ? "num wacht-waarde" : "num nul", u.pending),
    ...["confirmed", "partially_confirmed", "refused"].map(
      (k) => el("td", u[k] ? "num" : "num nul", u[k])),
    el("td", u.undeliverable ? "num laat-waarde" : "num nul", u.undeliverable),
    el("td", u.late ? "num laat-waarde" : "num nul", u.late),
    ...contactCellen(contactpunt.get(u.uitvoerder)),
  ));
  document.getElementById("uitvoerders").replaceChildren(
    ...(rijen.length ? rijen : [leeg(9, "Nog geen uitvoerders aangesloten")]));

  toonAudit(o.recente_audit);
  document.getElementById("bijgewerkt").textContent = `live · bijgewerkt ${tijd(o.at)}`;
}

function contactCellen(c) {
  const geescaleerd = c ? c.geescaleerd : 0;
  const contact = !c || c.contact_ontbreekt
    ? el("td", "laat-waarde", "geen contact in het register")
    : el("td", "", el("span", "naam", c.contact.team), el("span", "onder", c.contact.email));
  return [el("td", geescaleerd ? "num laat-waarde" : "num nul", geescaleerd), contact];
}

function totaalVerzoeken(s) {
  return s.pending + s.confirmed + s.partially_confirmed + s.refused + s.undeliverable;
}

function leeg(kolommen, tekst) {
  const td = el("td", "leeg", tekst);
  td.colSpan = kolommen;
  return el("tr", "", td);
}

const gezien = {audit: new Set(), dead: new Set()};
let eersteKeer = {audit: true, dead: true};
function markeerNieuw(soort, sleutel, rij) {
  if (!gezien[soort].has(sleutel) && !eersteKeer[soort]) rij.classList.add("nieuw");
  gezien[soort].add(sleutel);
  return rij;
}

function toonAudit(regels) {
  const rijen = regels.map((r) => {
    const [tekst, soort] = actie(r.actie);
    const rij = el("tr", "",
      el("td", "tijd", tijd(r.at)),
      el("td", "code casus", r.casus_id || "–"),
      el("td", "", el("span", `chip ${soort}`, tekst)),
      el("td", "zacht door", actor(r)),
    );
    rij.title = r.actor || "";
    return markeerNieuw("audit", `${r.at}|${r.casus_id}|${r.actie}|${r.actor}`, rij);
  });
  eersteKeer.audit = false;
  document.getElementById("audit").replaceChildren(
    ...(rijen.length ? rijen : [leeg(4, "Nog geen berichten")]));
}

function toonDeadLetters(lijst) {
  const items = lijst.map((d) => {
    const herkomst = d.origin_topic
      ? `${d.origin_topic} [${d.origin_partition ?? "?"}] @${d.origin_offset ?? "?"}` : "herkomst onbekend";
    const item = el("div", "dl",
      el("div", "kop",
        el("span", "tijd", tijd(d.received_at)),
        el("span", "chip fout", d.redencode || "onbekend"),
        el("span", "code", d.key || "geen casus"),
        el("span", "zacht", d.consumer || d.failed_by || ""),
      ),
      el("div", "reden", d.reason || "geen reden opgegeven"),
      el("div", "details",
        el("span", "code", herkomst),
        el("span", "code", d.event_type || "geen event"),
        el("span", "code", `${bytes(d.value_size)} · sha256 ${d.value_sha256.slice(0, 12)}…`),
      ),
    );
    return markeerNieuw("dead", String(d.id), item);
  });
  eersteKeer.dead = false;
  document.getElementById("dead-letters").replaceChildren(
    ...(items.length ? items : [el("div", "leeg", "Geen dead letters: alles is verwerkt")]));
}

function toonOutboxDood(lijst) {
  const items = lijst.map((r) => el("div", "dl",
    el("div", "kop",
      el("span", "tijd", tijd(r.dead_at)),
      el("span", "chip fout", `${r.attempts}× geprobeerd`),
      el("span", "code", r.key),
      el("span", "zacht code", `seq ${r.seq}`),
    ),
    el("div", "reden", r.last_error || "geen fout bekend"),
    el("div", "details",
      el("span", "code", r.topic),
      el("span", "code", r.event_type),
      el("span", "code", bytes(r.value_size)),
    ),
  ));
  document.getElementById("outbox-dood").replaceChildren(
    ...(items.length ? items : [el("div", "leeg", "Geen: alles wordt afgeleverd")]));
}

function toonOutboxVast(lijst) {
  const items = lijst.map((r) => el("div", "dl",
    el("div", "kop",
      el("span", "tijd", tijd(r.created_at)),
      el("span", "chip fout", `wacht op seq ${r.held_by}`),
      el("span", "code", r.key),
      el("span", "zacht code", `seq ${r.seq}`),
    ),
    el("div", "details",
      el("span", "code", r.topic),
      el("span", "code", r.event_type),
    ),
  ));
  document.getElementById("outbox-vast").replaceChildren(
    ...(items.length ? items : [el("div", "leeg", "Geen: niets wacht achter een opgegeven bericht")]));
}

/* hub_consumer_lag{group="…",partition="…",topic="…"} 3.0, from the Prometheus text format. */
function leesLag(tekst) {
  const perGroup = new Map();
  for (const regel of tekst.split("\n")) {
    const m = /^hub_consumer_lag\{([^}]*)\} (\S+)$/.exec(regel);
    if (!m) continue;
    const l = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const lag = Number(m[2]);
    const g = perGroup.get(l.group) || {group: l.group, totaal: 0, achter: []};
    g.totaal += lag;
    if (lag > 0) g.achter.push(`${l.topic} [${l.partition}]: ${lag}`);
    perGroup.set(l.group, g);
  }
  return [...perGroup.values()].sort((a, b) => b.totaal - a.totaal || a.group.localeCompare(b.group));
}
function toonLag(groepen) {
  const rijen = groepen.map((g) => el("tr", "",
    el("td", "code", g.group),
    el("td", g.totaal ? "num wacht-waarde" : "num nul", g.totaal),
    el("td", "zacht code", g.achter.join(" · ") || "bij"),
  ));
  document.getElementById("lag").replaceChildren(
    ...(rijen.length ? rijen : [leeg(3, "Nog niet gemeten")]));
}
async function haalTekst(pad) {
  const antwoord = await fetch(pad, {cache: "no-store"});
  if (!antwoord.ok) throw new Error(`${pad}: HTTP ${antwoord.status}`);
  return antwoord.text();
}
async function haal(pad) {
  const antwoord = await fetch(pad, {cache: "no-store", headers: {accept: "application/json"}});
  if (!antwoord.ok) throw new Error(`${pad}: HTTP ${antwoord.status}`);
  return antwoord.json();
}

/* Bars drawn as inline SVG (no library, nothing from elsewhere): one bar per key. */
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, tekst) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (tekst !== undefined) node.textContent = String(tekst);
  return node;
}
function staafdiagram(id, telling, label) {
  const paar = Object.entries(telling);
  const doel = document.getElementById(id);
  const breedte = 480, hoogte = 170, onder = 34, boven = 16;
  doel.setAttribute("viewBox", `0 0 ${breedte} ${hoogte}`);
  if (!paar.length) {
    doel.replaceChildren(svg("text", {x: 8, y: 24}, "Nog geen knelpunten"));
    return;
  }
  const max = Math.max(1, ...paar.map(([, n]) => n));
  const vak = breedte / paar.length;
  const balk = Math.max(4, Math.min(48, vak * 0.7));
  const kinderen = [];
  paar.forEach(([sleutel, n], i) => {
    const h = Math.round((hoogte - onder - boven) * n / max);
    const x = i * vak + (vak - balk) / 2;
    const y = hoogte - onder - h;
    const rect = svg("rect", {x, y: n ? y : hoogte - onder - 1, width: balk, height: n ? h : 1,
      class: n ? "balk" : "balk nul"});
    rect.append(svg("title", {}, `${sleutel}: ${n}`));
    kinderen.push(rect, svg("text", {x: x + balk / 2, y: y - 4, "text-anchor": "middle",
      class: "waarde"}, n));
    if (paar.length <= 14 || i % Math.ceil(paar.length / 14) === 0) {
      kinderen.push(svg("text", {x: x + balk / 2, y: hoogte - onder + 14, "text-anchor": "middle"},
        label(sleutel)));
    }
  });
  kinderen.push(svg("line", {x1: 0, x2: breedte, y1: hoogte - onder, y2: hoogte - onder,
    stroke: "#dde3ea"}));
  doel.replaceChildren(...kinderen);
}
const maandFormaat = new Intl.DateTimeFormat("nl-NL", {month: "short", year: "2-digit"});
function toonKnelpunten(r) {
  const achterstallig = tegel("laat", r.achterstallige_actiepunten, "Actiepunten over termijn",
    "open na de afgesproken datum");
  if (r.achterstallige_actiepunten > 0) achterstallig.classList.add("actief");
  document.getElementById("let-tegels").replaceChildren(
    tegel("outbox", r.totaal, "Knelpunten", "over alle escalaties"), achterstallig);
  staafdiagram("knelpunten-maand", r.per_maand,
    (m) => maandFormaat.format(new Date(`${m}-01T12:00:00`)));
  staafdiagram("knelpunten-categorie", r.per_categorie, (c) => c);
  const rijen = Object.entries(r.per_regeling).slice(0, 10).map(([regeling, n]) =>
    el("tr", "", el("td", "", regeling), el("td", "num", n)));
  document.getElementById("knelpunten-regeling").replaceChildren(
    ...(rijen.length ? rijen : [leeg(2, "Nog geen knelpunten")]));
}

/* The charts (uPlot, served by the hub): one value per minute, a time axis in the hub's minutes
   shown in local time. Each chart's box says what it drew (data-reeksen, data-punten: values
   drawn, data-niet-nul: of those above zero), for the browser test and for anyone inspecting. */
const KLEUREN = ["#154273", "#2b7a3d", "#a65d00", "#b3261e", "#5b3f8c", "#0f7c8c", "#8c5a2b",
  "#6b7280", "#c2185b", "#3f6fb5", "#7a8c1f", "#d97706"];
const minuutFormaat = new Intl.DateTimeFormat("nl-NL", {hour: "2-digit", minute: "2-digit"});
const getalFormaat = new Intl.NumberFormat("nl-NL", {maximumFractionDigits: 2});
const grafieken = new Map();

function kleur(i) { return KLEUREN[i % KLEUREN.length]; }
function minuut(seconden) { return seconden == null ? "–" : minuutFormaat.format(new Date(seconden * 1000)); }

function tel(reeksen, test) {
  return reeksen.reduce((n, r) => n + r.waarden.filter(test).length, 0);
}

const ENKELVOUD = {berichten: "bericht", records: "record", seconden: "seconde"};

function laatste(waarden) {
  for (let i = waarden.length - 1; i >= 0; i--) if (waarden[i] != null) return waarden[i];
  return null;
}

function reeksOpties(r, eenheid) {
  const opties = {
    label: r.naam, stroke: r.kleur, width: r.streep ? 1.25 : 1.75, spanGaps: Boolean(r.verbind),
    points: {show: Boolean(r.punten), size: 5, fill: r.kleur},
    /* Under the cursor its minute's value; without a cursor the latest one. */
    value: (u, v, si, idx) => {
      const waarde = idx == null ? laatste(u.data[si]) : v;
      if (waarde == null) return "–";
      return `${getalFormaat.format(waarde)} ${waarde === 1 ? (ENKELVOUD[eenheid] || eenheid) : eenheid}`;
    },
  };
  if (r.streep) opties.dash = [5, 4];
  return opties;
}

function tekenGrafiek(id, x, reeksen) {
  const vak = document.getElementById(id);
  const eenheid = vak.dataset.eenheid || "";
  vak.dataset.reeksen = String(reeksen.length);
  vak.dataset.punten = String(tel(reeksen, (v) => v !== null && v !== undefined));
  vak.dataset.nietNul = String(tel(reeksen, (v) => v > 0));
  const bestaand = grafieken.get(id);
  if (!reeksen.length) {
    if (bestaand) bestaand.plot.destroy();
    grafieken.delete(id);
    vak.replaceChildren(el("div", "leeg", "Nog geen gegevens in dit venster"));
    return;
  }
  const data = [x, ...reeksen.map((r) => r.waarden)];
  const sleutel = reeksen.map((r) => r.naam).join("|");
  if (bestaand && bestaand.sleutel === sleutel) {
    bestaand.plot.setData(data);
    return;
  }
  if (bestaand) bestaand.plot.destroy();
  vak.replaceChildren();
  const plot = new uPlot({
    width: Math.max(240, vak.clientWidth), height: 190,
    cursor: {drag: {x: false, y: false}},
    scales: {x: {time: true}, y: {range: (u, min, max) => [0, Math.max(1, max || 0) * 1.15]}},
    series: [{label: "Tijd", value: (u, v, si, idx) => (idx == null ? "nu" : minuut(v))}, ...reeksen.map((r) => reeksOpties(r, eenheid))],
    axes: [
      {stroke: "#5b6675", grid: {stroke: "#eef1f4"}, ticks: {stroke: "#dde3ea"},
        values: (u, splits) => splits.map(minuut)},
      {stroke: "#5b6675", grid: {stroke: "#eef1f4"}, ticks: {stroke: "#dde3ea"}, size: 48,
        values: (u, splits) => splits.map((v) => getalFormaat.format(v))},
    ],
  }, data, vak);
  grafieken.set(id, {plot, sleutel});
}

window.addEventListener("resize", () => {
  for (const [id, {plot}] of grafieken) {
    plot.setSize({width: Math.max(240, document.getElementById(id).clientWidth), height: 190});
  }
});

function lijnen(perSleutel, opties = {}) {
  return Object.entries(perSleutel).map(([naam, waarden], i) => ({naam, waarden, kleur: kleur(i), ...opties}));
}

function seconden(v) {
  if (v < 60) return `${getalFormaat.format(v)} s`;
  if (v < 3600) return `${getalFormaat.format(v / 60)} min`;
  return `${getalFormaat.format(v / 3600)} uur`;
}

function toonReeksen(r) {
  const x = r.minuten.map((m) => Date.parse(m) / 1000);
  tekenGrafiek("grafiek-instrument", x, lijnen(r.berichten_per_instrument));
  tekenGrafiek("grafiek-uitvoerder", x, lijnen(r.berichten_per_uitvoerder));
  const latentie = [];
  Object.keys(r.latentie.p95).forEach((u, i) => {
    latentie.push({naam: `${u} p95`, waarden: r.latentie.p95[u], kleur: kleur(i), punten: true, verbind: true});
    latentie.push({naam: `${u} p50`, waarden: r.latentie.p50[u], kleur: kleur(i), punten: true,
      verbind: true, streep: true});
  });
  tekenGrafiek("grafiek-latentie", x, latentie);
  tekenGrafiek("grafiek-achterstand", x, lijnen(r.achterstand, {verbind: true, punten: true}));
  tekenGrafiek("grafiek-dead-letters", x, lijnen(r.dead_letters_per_reden, {punten: true}));
  const rijen = Object.entries(r.latentie.venster).map(([u, l]) => el("tr", "",
    el("td", "code", u), el("td", "num", l.aantal),
    el("td", "num", seconden(l.p50_seconden)), el("td", "num", seconden(l.p95_seconden))));
  document.getElementById("latentie-venster").replaceChildren(
    ...(rijen.length ? rijen : [leeg(4, "Nog geen antwoorden in dit venster")]));
}

let grafiekTimer = null;
let grafiekVraag = 0;
async function verversGrafieken() {
  clearTimeout(grafiekTimer);
  const nummer = ++grafiekVraag;  /* a newer request (another window chosen) wins */
  const keuze = document.getElementById("venster");
  try {
    const reeksen = await haal(`${REEKSEN}?venster=${encodeURIComponent(keuze.value)}`);
    if (nummer !== grafiekVraag) return;
    toonReeksen(reeksen);
    keuze.dataset.getekend = String(reeksen.venster_minuten);
  } catch (fout) {
    const melding = document.getElementById("melding");
    melding.textContent = `Grafieken niet bijgewerkt (${fout.message}); nieuwe poging over 10 seconden.`;
    melding.classList.add("zichtbaar");
  } finally {
    if (nummer === grafiekVraag) grafiekTimer = setTimeout(verversGrafieken, GRAFIEK_INTERVAL_MS);
  }
}
document.getElementById("venster").addEventListener("change", verversGrafieken);

async function ververs() {
  const melding = document.getElementById("melding");
  try {
    const [overzicht, deadLetters, metrics] = await Promise.all(
      [haal(OVERZICHT), haal(DEAD_LETTERS), haalTekst(METRICS)]);
    toonOverzicht(overzicht);
    toonDeadLetters(deadLetters.items);
    toonLag(leesLag(metrics));
    toonKnelpunten(await haal(KNELPUNTEN));
    melding.classList.remove("zichtbaar");
    document.getElementById("stip").classList.remove("uit");
  } catch (fout) {
    melding.textContent = `Geen verbinding met de hub (${fout.message}); nieuwe poging over 2 seconden.`;
    melding.classList.add("zichtbaar");
    document.getElementById("stip").classList.add("uit");
    document.getElementById("bijgewerkt").textContent = "geen verbinding";
  } finally {
    setTimeout(ververs, INTERVAL_MS);
  }
}

ververs();
verversGrafieken();
