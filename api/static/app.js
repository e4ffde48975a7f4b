// Explorer page: search, profiles (as of any date), the researchers' question and the map builder.
// All text from the API goes in via textContent, never innerHTML, so names in the data cannot become markup.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }
  async function getJSON(url) {
    const resp = await fetch(url, {headers: {Accept: "application/json"}});
    const body = await resp.json();
    if (!resp.ok) { throw new Error(body.detail || resp.statusText); }
    return body;
  }
  function asOf() { return $("as-of").value.trim(); }
  function withAsOf(url) { return asOf() ? url + (url.includes("?") ? "&" : "?") + "as_of=" + encodeURIComponent(asOf()) : url; }
  // how a tenure's interval reads: "≈2015 –", "2009 – 2020-12-31 (omitted)"
  const REASONS = {omitted: "left out of a later complete list", until: "end given by the source", exit: "exit recorded",
    "role-change": "role changed", successor: "successor took over", suspended: "suspended", "iscm-ended": "ISCM ended",
    "iscm-dormant": "ISCM went dormant", "iscm-succeeded": "ISCM succeeded", "bloc-exit": "left the bloc", "bloc-ended": "bloc participation ended"};
  function interval(r) {
    if (r.since === undefined) { return r.start || ""; }
    const from = r.since ? (r.start_inferred ? "at least since " + r.since.replace("≈", "") : "since " + r.since) : "";
    if (!r.until) { return from; }
    return (r.since || "") + " – " + r.until + (r.end_reason ? " (" + (REASONS[r.end_reason] || r.end_reason) + ")" : "");
  }
  function membershipTable(rows, cols) {
    const table = el("table");
    const head = table.insertRow();
    cols.forEach(([key, title]) => head.appendChild(el("th", title)));
    rows.forEach((r) => {
      const tr = table.insertRow();
      if (r.start_inferred || r.as_of_inferred) { tr.className = "inferred"; }
      cols.forEach(([key]) => {
        const td = tr.insertCell();
        if (key === "source" && r.source) {
          if (/^https?:\/\//.test(r.source)) { td.appendChild(el("a", "source", {href: r.source, rel: "noopener", class: "source"})); }
          else { td.appendChild(el("span", r.source, {class: "source"})); }
        } else if (key === "interval") { td.textContent = interval(r);
        } else if (key === "as_of") { td.textContent = r.as_of_label || r.as_of || "";
        } else if (key === "how") { td.textContent = r.derived ? "through " + (r.via || "a bloc") : "named";
        } else { td.textContent = r[key] === null || r[key] === undefined ? "" : String(r[key]); }
      });
    });
    return table;
  }
  const COLS = [["organisation_label", "ISCM"], ["role", "role"], ["interval", "held"], ["how", "how"], ["as_of", "as of"], ["source", "source"]];
  const ACTOR_COLS = [["actor_label", "actor"], ["role", "role"], ["interval", "held"], ["how", "how"], ["as_of", "as of"], ["source", "source"]];
  function byLabel(key) { return (a, b) => String(a[key] || "").localeCompare(String(b[key] || "")); }
  function timelineChart(rows) {
    // members per year as bars; observers as a thin line on top
    const w = 660, h = 140, pad = 24, n = rows.length;
    const max = Math.max(1, ...rows.map((r) => r.member + (r.observer || 0)));
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${w} ${h + pad}`);
    svg.setAttribute("class", "timeline");
    svg.setAttribute("role", "img");
    const bw = (w - 2 * pad) / Math.max(n, 1);
    rows.forEach((r, i) => {
      const bh = (r.member / max) * h;
      const rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("x", String(pad + i * bw)); rect.setAttribute("y", String(h - bh));
      rect.setAttribute("width", String(Math.max(bw - 1, 1))); rect.setAttribute("height", String(bh));
      const t = document.createElementNS(SVG, "title"); t.textContent = r.year + ": " + r.member + " members, " + (r.observer || 0) + " observers";
      rect.appendChild(t);
      svg.appendChild(rect);
      if (i % Math.ceil(n / 8) === 0 || i === n - 1) {
        const label = document.createElementNS(SVG, "text");
        label.setAttribute("x", String(pad + i * bw)); label.setAttribute("y", String(h + 16));
        label.textContent = String(r.year);
        svg.appendChild(label);
      }
    });
    const top = document.createElementNS(SVG, "text");
    top.setAttribute("x", "0"); top.setAttribute("y", "12"); top.textContent = String(max);
    svg.appendChild(top);
    svg.setAttribute("aria-label", "members per year " + rows[0].year + "–" + rows[n - 1].year);
    return svg;
  }
  let profileSeq = 0;
  async function showProfile(hit) {
    // built off-page and swapped in whole; a newer request wins over one still loading
    const seq = ++profileSeq;
    const box = document.createElement("div");
    $("profile").setAttribute("aria-busy", "true");
    try {
      const when = asOf() ? "as of " + asOf() : "on the release date";
      if (hit.type === "state") {
        const p = await getJSON(withAsOf("/api/states/" + encodeURIComponent(hit.id)));
        box.appendChild(el("h2", p.label + " (" + p.id + ")", {id: "profile-title"}));
        box.appendChild(el("p", (p.subregion || p.region || "") + " · member of " + p.iscm_count + " ISCMs " + when, {id: "profile-summary"}));
        box.appendChild(membershipTable(p.iscms.sort(byLabel("organisation_label")), COLS));
        if (p.unions_and_igos.length) {
          box.appendChild(el("h3", "Regional unions and IGOs"));
          box.appendChild(membershipTable(p.unions_and_igos.sort(byLabel("organisation_label")), COLS));
        }
        const past = p.history.filter((r) => r.until);
        if (p.history.length) {
          // every role the State ever held in an ISCM, oldest first: joins, and leaves with their reason
          box.appendChild(el("h3", "Timeline: every ISCM role (" + past.length + " ended)", {id: "past-roles"}));
          box.appendChild(membershipTable(p.history.slice().sort((a, b) => String(a.start).localeCompare(String(b.start))), COLS));
        }
        if (p.actions.length) {
          box.appendChild(el("h3", "Capacity-building actions"));
          box.appendChild(membershipTable(p.actions, [["title", "action"], ["relation", "role"], ["status", "status"]]));
        }
        $("map-actor").value = p.id;
      } else if (hit.type === "iscm") {
        const p = await getJSON(withAsOf("/api/iscms/" + encodeURIComponent(hit.id)));
        box.appendChild(el("h2", p.label, {id: "profile-title"}));
        box.appendChild(el("p", [p.kind, p.status, p.established ? "est. " + p.established : ""].filter(Boolean).join(" · ") + " · " + p.member_count + " members " + when, {id: "profile-summary"}));
        if (p.themes.length) { box.appendChild(el("p", "Themes: " + p.themes.join(", "))); }
        const tl = await getJSON("/api/iscms/" + encodeURIComponent(hit.id) + "/timeline?limit=1000");
        if (tl.items.length) {
          box.appendChild(el("h3", "Members per year"));
          box.appendChild(timelineChart(tl.items));
        }
        box.appendChild(membershipTable(p.members.sort(byLabel("actor_label")).concat(p.observers.sort(byLabel("actor_label")), p.chairs, p.secretariat), ACTOR_COLS));
        if (p.former_members.length) {
          box.appendChild(el("h3", "Former members"));
          box.appendChild(membershipTable(p.former_members.sort(byLabel("actor_label")), ACTOR_COLS));
        }
        if (p.chair_history.length) {
          box.appendChild(el("h3", "Chairs over time"));
          box.appendChild(membershipTable(p.chair_history, ACTOR_COLS));
        }
        $("map-iscms").value = p.id;
      } else if (hit.type === "union" || hit.type === "organisation") {
        const p = await getJSON(withAsOf("/api/organisations/" + encodeURIComponent(hit.id)));
        box.appendChild(el("h2", p.label, {id: "profile-title"}));
        box.appendChild(membershipTable(p.roles_in_iscms.concat(p.members), [["organisation_label", "in"], ["actor_label", "actor"], ["role", "role"], ["interval", "held"], ["as_of", "as of"], ["source", "source"]]));
        $("map-actor").value = p.id;
      } else {
        // actions, liaison networks, meetings: their facts in words, each linked entity clickable
        const p = await getJSON("/api/entities/" + encodeURIComponent(hit.id));
        box.appendChild(el("h2", p.label, {id: "profile-title"}));
        box.appendChild(el("p", [p.type, p.start ? p.start + " – " + (p.end || "") : ""].filter(Boolean).join(" · "), {id: "profile-summary"}));
        const table = el("table", null, {class: "facts"});
        p.facts.forEach((f) => {
          const tr = table.insertRow();
          tr.appendChild(el("th", f.property));
          const td = tr.insertCell();
          if (f.id && f.type) {
            const a = el("a", f.value, {href: "#"});
            a.addEventListener("click", (ev) => { ev.preventDefault(); showProfile({id: f.id, type: f.type, label: f.value, url: "#"}); });
            td.appendChild(a);
          } else { td.textContent = f.value === "True" ? "yes" : f.value === "False" ? "no" : (f.value || ""); }
        });
        box.appendChild(table);
        if (p.sources.length) {
          box.appendChild(el("h3", "Sources"));
          const ol = el("ol", null, {class: "sources"});
          p.sources.forEach((s) => {
            const li = el("li");
            li.appendChild(s.url ? el("a", s.title || s.url, {href: s.url, rel: "noopener"}) : el("span", s.title || s.key));
            if (s.publisher) { li.appendChild(document.createTextNode(" — " + s.publisher)); }
            ol.appendChild(li);
          });
          box.appendChild(ol);
        }
      }
      box.appendChild(el("a", "Linked data", {href: hit.url}));
    } catch (err) { box.textContent = ""; box.appendChild(el("p", "Error: " + err.message, {class: "error"})); }
    if (seq === profileSeq) { $("profile").replaceChildren(...box.childNodes); $("profile").removeAttribute("aria-busy"); }
  }
  let lastHit = null;
  $("search-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const list = $("hits");
    list.textContent = "";
    const q = $("search").value.trim();
    if (!q) { if (lastHit) { showProfile(lastHit); } return; }
    try {
      const res = await getJSON("/api/search?q=" + encodeURIComponent(q));
      if (!res.hits.length) { list.appendChild(el("li", "No match for " + q, {id: "no-match"})); profileSeq++; $("profile").textContent = ""; lastHit = null; }
      res.hits.forEach((hit) => {
        const li = el("li");
        const a = el("a", hit.label, {href: "#", "data-id": hit.id});
        a.addEventListener("click", (ev) => { ev.preventDefault(); lastHit = hit; showProfile(hit); });
        li.appendChild(a);
        li.appendChild(el("span", hit.type, {class: "type"}));
        list.appendChild(li);
      });
      if (res.hits.length) { lastHit = res.hits[0]; showProfile(res.hits[0]); }
    } catch (err) { profileSeq++; $("profile").textContent = ""; list.appendChild(el("li", "Error: " + err.message, {class: "error"})); }
  });
  $("question-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    params.set("min_iscms", $("q-min").value || "1");
    const year = $("q-year").value.trim();
    if (year) { params.set("as_of", year); }
    document.querySelectorAll("#question-form input[name=kind]:checked").forEach((c) => params.append("kind", c.value));
    params.set("derivation", $("q-derivation").value);
    params.set("limit", "1000");
    const out = $("q-result");
    out.textContent = "";
    try {
      const res = await getJSON("/api/analytics/multi-membership?" + params.toString());
      $("q-status").textContent = res.total + " States " + (year ? "in " + year : "on the release date");
      $("q-status").setAttribute("data-total", String(res.total));
      const table = el("table", null, {id: "q-table"});
      const head = table.insertRow();
      ["State", "ISCMs", "which"].forEach((t) => head.appendChild(el("th", t)));
      res.items.forEach((r) => {
        const tr = table.insertRow();
        tr.insertCell().textContent = r.label || r.state;
        tr.insertCell().textContent = String(r.n_iscms);
        tr.insertCell().textContent = (r.iscms || "").toString();
      });
      out.appendChild(table);
      const csv = "/api/analytics/multi-membership?" + params.toString() + "&format=csv";
      out.appendChild(el("a", "CSV", {href: csv, download: "states-in-" + params.get("min_iscms") + "-iscms-" + (year || "now") + ".csv"}));
      if (year) {
        // who joined or left these kinds of ISCMs between that year and the release year, among these States
        const since = new URLSearchParams(params);
        ["min_iscms", "as_of", "limit"].forEach((k) => since.delete(k));
        since.set("from", year.slice(0, 4));
        since.set("to", $("as-of-help").getAttribute("data-release-year"));
        since.set("limit", "1000");
        const moves = await getJSON("/api/analytics/changes?" + since.toString());
        const mine = new Set(res.items.map((r) => r.state));
        const joined = moves.items.filter((m) => m.change === "joined" && mine.has(m.state));
        const p = el("p", joined.length + " joins by these States since " + year.slice(0, 4) + ": ", {id: "q-joined", "data-joined": String(joined.length)});
        p.appendChild(el("span", joined.map((m) => m.state + " → " + m.iscm).join(", ")));
        out.appendChild(p);
        since.set("format", "csv");
        out.appendChild(el("a", "every join and leave since " + year.slice(0, 4) + " (CSV)", {href: "/api/analytics/changes?" + since.toString()}));
      }
    } catch (err) { $("q-status").textContent = "Error: " + err.message; }
  });
  $("map-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    const kind = $("map-kind").value;
    params.set("kind", kind);
    if (kind === "membership") { $("map-iscms").value.split(",").map((s) => s.trim()).filter(Boolean).forEach((i) => params.append("iscm", i)); }
    if (kind === "ego") { params.set("actor", $("map-actor").value.trim()); params.set("depth", $("map-depth").value || "1"); }
    if ($("map-year").value) { params.set("as_of", $("map-year").value); }
    const status = $("map-status");
    status.textContent = "Building…";
    status.className = "";
    try {
      const info = await getJSON("/api/maps?" + params.toString());
      status.textContent = info.nodes + " nodes, " + info.edges + " edges";
      status.setAttribute("data-nodes", String(info.nodes));
      $("map-frame").src = info.html;
      const dl = $("map-downloads");
      dl.textContent = "Download: ";
      Object.entries(info.downloads).forEach(([fmt, href]) => {
        dl.appendChild(el("a", fmt.toUpperCase(), {href: href, download: "", "data-format": fmt}));
        dl.appendChild(document.createTextNode(" "));
      });
    } catch (err) { status.textContent = "Error: " + err.message; status.className = "error"; }
  });
})();
