// nomen's status page: polls /v1/status, keeps ten minutes of answers in
// memory, computes rates from successive answers and draws the tables and
// the plots (SVG). Every string that comes from nomen (listener names,
// rule names, alert messages that quote syslog lines) is written with
// textContent or setAttribute, never parsed as markup.
"use strict";
(function () {
  const POLL_MS = 2000;
  const KEEP_MS = 10 * 60 * 1000;
  const SVG = "http://www.w3.org/2000/svg";

  // history holds the answers of the last KEEP_MS: {t: ms, m: metrics}.
  const history = [];
  let polls = 0;

  // ---- reading metrics ---------------------------------------------------

  // sum adds the series of family name whose labels match want
  // ({label: value}); undefined when the family is absent.
  function sum(m, name, want) {
    const list = m[name];
    if (!list) return undefined;
    let v = 0;
    for (const s of list) {
      const l = s.labels || {};
      if (want && Object.keys(want).some((k) => l[k] !== want[k])) continue;
      v += s.value;
    }
    return v;
  }

  // labelValues lists the distinct values of label in the given families.
  function labelValues(m, names, label) {
    const seen = new Set();
    for (const name of names) for (const s of m[name] || []) if (s.labels && s.labels[label] !== undefined) seen.add(s.labels[label]);
    return [...seen].sort();
  }

  // rate is a counter's increase per second between two answers; null
  // when unknown (absent, or reset by a restart).
  function rate(a, b, f) {
    if (!a || !b) return null;
    const va = f(a.m), vb = f(b.m), dt = (b.t - a.t) / 1000;
    if (va === undefined || vb === undefined || dt <= 0 || vb < va) return null;
    return (vb - va) / dt;
  }

  function latestRate(f) { return rate(history[history.length - 2], history[history.length - 1], f); }

  function rateHistory(f) {
    const out = [];
    for (let i = 1; i < history.length; i++) out.push({ t: history[i].t, v: rate(history[i - 1], history[i], f) });
    return out;
  }

  function valueHistory(f) {
    return history.map((s) => ({ t: s.t, v: f(s.m) === undefined ? null : f(s.m) }));
  }

  // increase is how much a counter grew over the kept history.
  function increase(f) {
    if (history.length < 2) return null;
    const first = f(history[0].m), last = f(history[history.length - 1].m);
    if (first === undefined || last === undefined || last < first) return null;
    return last - first;
  }

  // ---- formatting ---------------------------------------------------------

  const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  function count(v) { return v === undefined || v === null ? "–" : grouped.format(v); }
  function perSecond(v) {
    if (v === null || v === undefined) return "–";
    if (v === 0) return "0";
    if (v < 10) return v.toFixed(2);
    if (v < 1000) return v.toFixed(1);
    return grouped.format(v);
  }
  function bytes(v) {
    if (v === null || v === undefined) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(1)) + " " + units[i];
  }
  function duration(s) {
    s = Math.max(0, Math.floor(s));
    const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
    if (d > 0) return d + "d " + h + "h";
    if (h > 0) return h + "h " + m + "m";
    return m + "m " + (s % 60) + "s";
  }
  function clock(ms) { return new Date(ms).toISOString().slice(11, 19); }

  // ---- DOM ----------------------------------------------------------------

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // cell makes a td; num cells carry the raw value in data-value.
  function cell(col, text, raw) {
    const td = el("td", { "data-col": col, class: raw === undefined ? "text" : "num" }, text);
    if (raw !== undefined && raw !== null) td.setAttribute("data-value", String(raw));
    return td;
  }

  function plotCell(col, points, cls) {
    const td = el("td", { "data-col": col });
    td.appendChild(sparkline(points, cls));
    return td;
  }

  function fill(id, rows, emptyText, columns) {
    const body = document.querySelector("#" + id + " tbody");
    if (rows.length === 0) {
      const tr = el("tr");
      tr.appendChild(el("td", { class: "none", colspan: String(columns) }, emptyText));
      rows = [tr];
    }
    body.replaceChildren(...rows);
  }

  function facts(id, list) {
    fill(id, list.map(([name, text, raw, bad]) => {
      const tr = el("tr", { "data-name": name, class: bad ? "bad" : "" });
      tr.appendChild(el("th", {}, name));
      tr.appendChild(cell("value", text, raw === undefined ? null : raw));
      return tr;
    }), "", 2);
  }

  // ---- plots ----------------------------------------------------------------

  // span is the time the plots cover: the history kept, in whole minutes,
  // at least one (a page just opened does not draw a sliver at the edge).
  function span() {
    if (history.length < 2) return 60 * 1000;
    const kept = history[history.length - 1].t - history[0].t;
    return Math.min(KEEP_MS, Math.max(1, Math.ceil(kept / 60000)) * 60000);
  }

  // polylines draws points ({t, v}; v null: no data) into an SVG of w x h
  // user units covering span(); gaps split the line.
  function polylines(svg, points, max, w, h, cls) {
    const now = history.length ? history[history.length - 1].t : 0;
    const covered = span();
    let run = [];
    const flush = () => {
      if (run.length > 1) svg.appendChild(svgEl("polyline", { points: run.join(" "), class: cls }));
      run = [];
    };
    for (const p of points) {
      if (p.v === null) { flush(); continue; }
      const x = w - ((now - p.t) / covered) * w;
      const y = h - (max > 0 ? (p.v / max) * (h - 2) : 0) - 1;
      run.push(x.toFixed(1) + "," + y.toFixed(1));
    }
    flush();
  }

  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function maxOf(...lists) {
    let max = 0;
    for (const l of lists) for (const p of l) if (p.v !== null && p.v > max) max = p.v;
    return max;
  }

  function sparkline(points, cls) {
    const svg = svgEl("svg", { class: "spark", viewBox: "0 0 120 22", preserveAspectRatio: "none" });
    const max = maxOf(points);
    svg.appendChild(svgEl("line", { x1: 0, y1: 21.5, x2: 120, y2: 21.5, class: "axis" }));
    polylines(svg, points, max, 120, 22, cls || "s0");
    const title = svgEl("title", {});
    title.textContent = "peak " + perSecond(max);
    svg.appendChild(title);
    return svg;
  }

  function overview(m) {
    const received = rateHistory((x) => sumDefined(sum(x, "nomen_received_events_total"), sum(x, "nomen_agent_events_total")));
    const journaled = rateHistory((x) => sum(x, "nomen_journal_appended_events_total"));
    const delivered = rateHistory((x) => sum(x, "nomen_output_events_total"));
    // The plot area is w x h user units at (left, top); the value axis is
    // labelled on the left, the time axis below.
    const w = 1000, h = 132, left = 60, top = 8;
    const svg = svgEl("svg", { viewBox: "0 0 " + w + " " + (top + h + 18), preserveAspectRatio: "none", role: "img" });
    const ceiling = niceCeiling(maxOf(received, journaled, delivered));
    for (const frac of [0, 0.5, 1]) {
      const y = top + h - frac * (h - 2) - 1;
      svg.appendChild(svgEl("line", { x1: left, y1: y, x2: w, y2: y, class: "axis" }));
      const label = svgEl("text", { x: left - 6, y: y + 4, "text-anchor": "end" });
      label.textContent = perSecond(ceiling * frac);
      svg.appendChild(label);
    }
    const minutes = span() / 60000;
    const marks = [[left, "−" + minutes + " min", "start"], [left + (w - left) / 2, "−" + minutes / 2 + " min", "middle"], [w, "now", "end"]];
    for (const [x, text, anchor] of marks) {
      const t = svgEl("text", { x: x, y: top + h + 15, "text-anchor": anchor });
      t.textContent = text;
      svg.appendChild(t);
    }
    const area = svgEl("svg", { x: left, y: top, width: w - left, height: h, viewBox: "0 0 " + (w - left) + " " + h, preserveAspectRatio: "none" });
    // Widest first: where the three agree (one output, nothing lost),
    // each still shows.
    polylines(area, received, ceiling, w - left, h, "s0 wide");
    polylines(area, journaled, ceiling, w - left, h, "s1 medium");
    polylines(area, delivered, ceiling, w - left, h, "s2");
    svg.appendChild(area);
    document.getElementById("plot-overview").replaceChildren(svg);
  }

  function sumDefined(a, b) {
    if (a === undefined) return b;
    return b === undefined ? a : a + b;
  }

  function niceCeiling(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const f of [1, 2, 5, 10]) if (v <= f * p) return f * p;
    return 10 * p;
  }

  // ---- sections -------------------------------------------------------------

  function listeners(m) {
    const names = labelValues(m, ["nomen_received_events_total", "nomen_listener_connections"], "listener");
    const rows = names.map((name) => {
      const sel = { listener: name };
      const ev = (x) => sum(x, "nomen_received_events_total", sel);
      const tr = el("tr", { "data-name": name });
      tr.appendChild(cell("name", name));
      tr.appendChild(cell("rate", perSecond(latestRate(ev)), latestRate(ev)));
      tr.appendChild(plotCell("plot", rateHistory(ev), "s0"));
      tr.appendChild(cell("bytes", bytes(latestRate((x) => sum(x, "nomen_received_bytes_total", sel))) + "/s", null));
      tr.appendChild(cell("received", count(ev(m)), ev(m)));
      const conns = sum(m, "nomen_listener_connections", sel);
      tr.appendChild(cell("connections", count(conns), conns));
      const refused = sum(m, "nomen_listener_rejected_total", sel);
      tr.appendChild(cell("refused", count(refused), refused));
      return tr;
    });
    if (sum(m, "nomen_agent_sessions_total") > 0) {
      const ev = (x) => sum(x, "nomen_agent_events_total");
      const tr = el("tr", { "data-name": "agents" });
      tr.appendChild(cell("name", "agents (all agent listeners)"));
      tr.appendChild(cell("rate", perSecond(latestRate(ev)), latestRate(ev)));
      tr.appendChild(plotCell("plot", rateHistory(ev), "s0"));
      tr.appendChild(cell("bytes", bytes(latestRate((x) => sum(x, "nomen_agent_received_bytes_total"))) + "/s", null));
      tr.appendChild(cell("received", count(ev(m)), ev(m)));
      const conns = sum(m, "nomen_agent_connections");
      tr.appendChild(cell("connections", count(conns), conns));
      const refused = sum(m, "nomen_agent_protocol_errors_total");
      tr.appendChild(cell("refused", count(refused), refused));
      rows.push(tr);
    }
    fill("listeners", rows, "no listener has received anything yet", 7);
  }

  function outputs(m) {
    const names = labelValues(m, ["nomen_output_events_total", "nomen_output_lag_events"], "output");
    fill("outputs", names.map((name) => {
      const sel = { output: name };
      const ev = (x) => sum(x, "nomen_output_events_total", sel);
      const lag = (x) => sum(x, "nomen_output_lag_events", sel);
      const failures = sum(m, "nomen_output_failures_total", sel);
      const dead = sum(m, "nomen_output_deadletter_events_total", sel);
      const tr = el("tr", { "data-name": name, class: failures > 0 || dead > 0 ? "bad" : "" });
      tr.appendChild(cell("name", name));
      tr.appendChild(cell("rate", perSecond(latestRate(ev)), latestRate(ev)));
      tr.appendChild(plotCell("plot", rateHistory(ev), "s2"));
      tr.appendChild(cell("delivered", count(ev(m)), ev(m)));
      tr.appendChild(cell("lag", count(lag(m)), lag(m)));
      tr.appendChild(plotCell("lag-plot", valueHistory(lag), "muted"));
      tr.appendChild(cell("failures", count(failures), failures));
      tr.appendChild(cell("deadletter", count(dead), dead));
      return tr;
    }), "no outputs", 8);
  }

  function drops(m) {
    const rows = [];
    for (const s of m["nomen_dropped_events_total"] || []) {
      if (s.value === 0) continue;
      const sel = { stage: s.labels.stage, reason: s.labels.reason };
      const f = (x) => sum(x, "nomen_dropped_events_total", sel);
      const tr = el("tr", { "data-name": sel.stage + "/" + sel.reason, class: "bad" });
      tr.appendChild(cell("stage", sel.stage));
      tr.appendChild(cell("reason", sel.reason));
      tr.appendChild(cell("rate", perSecond(latestRate(f)), latestRate(f)));
      tr.appendChild(plotCell("plot", rateHistory(f), "bad"));
      tr.appendChild(cell("dropped", count(s.value), s.value));
      rows.push(tr);
    }
    rows.sort((a, b) => a.dataset.name.localeCompare(b.dataset.name));
    fill("drops", rows, "no events dropped", 5);
  }

  function journal(m) {
    const appended = (x) => sum(x, "nomen_journal_appended_events_total");
    const size = sum(m, "nomen_journal_bytes");
    facts("journal", [
      ["size", bytes(size), size],
      ["segments", count(sum(m, "nomen_journal_segments")), sum(m, "nomen_journal_segments")],
      ["events appended", count(appended(m)), appended(m)],
      ["appended per second", perSecond(latestRate(appended)), latestRate(appended)],
      ["fsyncs per second", perSecond(latestRate((x) => sum(x, "nomen_journal_fsyncs_total"))), undefined],
      ["batches waiting for the pipeline", count(sum(m, "nomen_pipeline_queue_batches")), sum(m, "nomen_pipeline_queue_batches")],
      ["live subscribers", count(sum(m, "nomen_live_subscribers")), sum(m, "nomen_live_subscribers")],
    ]);
  }

  function findings(m) {
    fill("findings", labelValues(m, ["nomen_findings_total"], "rule").map((rule) => {
      const f = (x) => sum(x, "nomen_findings_total", { rule: rule });
      const tr = el("tr", { "data-name": rule });
      tr.appendChild(cell("rule", rule));
      tr.appendChild(cell("recent", count(increase(f)), increase(f)));
      tr.appendChild(cell("findings", count(f(m)), f(m)));
      return tr;
    }), "no correlation rules", 3);
  }

  function gaps(m) {
    const list = [
      ["sequence gaps", "nomen_sequence_gaps_total"],
      ["events missing in them", "nomen_missing_events_total"],
      ["losses sources reported", "nomen_sequence_loss_reports_total"],
      ["gaps agents declared", "nomen_agent_gaps_total"],
      ["duplicates", "nomen_duplicate_events_total"],
      ["numbered streams tracked", "nomen_sequence_streams"],
    ];
    facts("gaps", list.map(([name, metric]) => {
      const v = sum(m, metric) || 0; // a labelled family appears at its first report
      return [name, count(v), v, metric !== "nomen_sequence_streams" && metric !== "nomen_duplicate_events_total" && v > 0];
    }));
  }

  function alerts(list) {
    fill("alerts", list.map((a) => {
      const tr = el("tr", { "data-id": String(a.id), "data-kind": a.kind });
      tr.appendChild(cell("time", a.time.replace("T", " ").replace("Z", "")));
      const kind = el("td", { "data-col": "kind" });
      kind.appendChild(el("span", { class: "kind " + a.kind }, a.kind));
      tr.appendChild(kind);
      tr.appendChild(cell("rule", a.rule));
      tr.appendChild(cell("message", a.message));
      tr.appendChild(cell("key", a.key || a.host || ""));
      tr.appendChild(cell("count", a.count || "", a.count || null));
      return tr;
    }), "no findings or gaps since nomen started", 6);
  }

  function header(m, t) {
    for (const th of document.querySelectorAll("th.span")) th.textContent = (th.dataset.prefix || "") + "last " + span() / 60000 + " min";
    const info = (m["nomen_build_info"] || [])[0];
    document.getElementById("version").textContent = info && info.labels ? "version " + info.labels.version : "";
    const start = sum(m, "process_start_time_seconds");
    document.getElementById("uptime").textContent = start ? "up " + duration(t / 1000 - start) : "";
    document.getElementById("updated").textContent = "updated " + clock(t) + " UTC, every " + POLL_MS / 1000 + " s";
  }

  function showState(text) {
    const state = document.getElementById("state");
    state.textContent = text;
    state.className = text ? "bad" : "";
  }

  // ---- polling ----------------------------------------------------------------

  function render(snap) {
    const m = snap.metrics || {};
    header(m, snap.time_ms);
    overview(m);
    listeners(m);
    outputs(m);
    drops(m);
    journal(m);
    findings(m);
    gaps(m);
    alerts(snap.alerts || []);
  }

  async function poll() {
    try {
      const resp = await fetch("/v1/status", { credentials: "same-origin", cache: "no-store" });
      if (resp.status === 401 || resp.status === 403) {
        showState("not authorized: open /?token=<the API token> once (see the README)");
      } else if (!resp.ok) {
        showState("nomen answered " + resp.status);
      } else {
        const snap = await resp.json();
        history.push({ t: snap.time_ms, m: snap.metrics || {} });
        while (history.length > 1 && history[0].t < snap.time_ms - KEEP_MS) history.shift();
        render(snap);
        showState("");
        polls++;
        document.body.setAttribute("data-polls", String(polls));
      }
    } catch (err) {
      showState("no answer from nomen since " + (history.length ? clock(history[history.length - 1].t) + " UTC" : "the page loaded"));
    }
    setTimeout(poll, POLL_MS);
  }

  poll();
})();
