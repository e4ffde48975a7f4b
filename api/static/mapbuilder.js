// The map builder: a network map from names (type-ahead), with roles, ISCM kinds, status, derivation,
// region, colour, layout (spring, concentric, geographic) and a year slider, and a world-map tab (/api/maps/world: count or one ISCM, numbered legend, report downloads) whose countries open
// the State's profile. Both are kept in the URL (?map=membership&iscms=Rabat Process, Khartoum Process&
// mrole=members&mrole=observers…, ?world=count&wkind=…) and restored from it.
"use strict";
(function () {
  const I = window.ISCM;
  const t = I.t, el = I.el;
  const $ = (id) => document.getElementById(id);
  const checked = (name) => Array.from(document.querySelectorAll("input[name=" + name + "]:checked")).map((c) => c.value);
  const setChecked = (name, values) => document.querySelectorAll("input[name=" + name + "]").forEach((c) => { c.checked = values.includes(c.value); });

  // ---------------------------------------------------------------- names → ids
  async function resolveIscms(text) {
    // names, acronyms or ids, separated by commas or semicolons; an unknown one stops with what to type
    const ids = [];
    for (const part of text.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) {
      if (I.labels.iscms[part]) { ids.push(part); continue; }
      const exact = Object.entries(I.labels.iscms).find(([, v]) => v.label === part);
      if (exact) { ids.push(exact[0]); continue; }
      const res = await I.getJSON("/api/search?type=iscm&limit=1&q=" + encodeURIComponent(part));
      if (!res.hits.length) { throw new Error(t("m_unknown", {name: part})); }
      ids.push(res.hits[0].id);
    }
    if (!ids.length) { throw new Error(t("m_unknown", {name: ""})); }
    return ids;
  }
  async function resolveActor(text) {
    const v = text.trim();
    if (/^[A-Za-z]{3}$/.test(v) || I.labels.organisations[v] || I.labels.iscms[v]) { return v; }
    const res = await I.getJSON("/api/search?limit=1&q=" + encodeURIComponent(v));
    if (!res.hits.length) { throw new Error(t("m_unknown_actor", {name: v})); }
    return res.hits[0].id;
  }
  // role groups → the API's roles: the presets where they match, else the groups themselves
  function rolesParam(groups) {
    const key = groups.slice().sort().join("+");
    if (key === "members") { return ["members"]; }
    if (key === "members+observers") { return ["members+observers"]; }
    if (groups.length === 5) { return ["all"]; }
    return groups;
  }

  // ---------------------------------------------------------------- the network map
  // each kind of map starts from the roles the API draws by default for it
  const ALL_ROLES = ["members", "observers", "chairs", "secretariats", "partners"];
  const defaultRoles = (kind) => (kind === "ego" || kind === "partnership" ? ALL_ROLES : ["members"]);
  // only the fields the chosen kind of map reads are shown
  function fields() {
    const kind = $("map-kind").value;
    $("map-iscms-label").hidden = kind !== "membership";
    $("map-actor-label").hidden = kind !== "ego";
    $("map-depth-label").hidden = kind !== "ego";
  }
  $("map-kind").addEventListener("change", () => { setChecked("mrole", defaultRoles($("map-kind").value)); fields(); });
  fields();
  let nodes = [];
  async function buildMap(push) {
    const params = new URLSearchParams();
    const kind = $("map-kind").value;
    params.set("map", kind);
    const status = $("map-status");
    const dl = $("map-downloads");
    // a new request clears the old map, its downloads and its node list first: nothing stale stays on screen
    dl.textContent = ""; $("map-frame").removeAttribute("src"); status.removeAttribute("data-nodes"); status.removeAttribute("data-drawn");
    $("map-found").textContent = ""; $("map-find-form").hidden = true; nodes = [];
    status.textContent = t("m_building"); status.className = ""; status.removeAttribute("role");
    const roles = checked("mrole"), kinds = checked("mkind");
    setURL({map: kind, iscms: kind === "membership" ? $("map-iscms").value : null, actor: kind === "ego" ? $("map-actor").value : null,
      depth: kind === "ego" ? $("map-depth").value : null, myear: $("map-year").value, mrole: roles.join(",") === defaultRoles(kind).join(",") ? null : roles,
      mkind: kinds, mstatus: $("map-status-filter").value, mderiv: $("map-derivation").value === "all" ? null : $("map-derivation").value,
      mregion: $("map-region").value, mcolour: $("map-colour").value, mlayout: $("map-layout").value}, push);
    try {
      await I.ready;
      if (kind === "membership") { (await resolveIscms($("map-iscms").value)).forEach((i) => params.append("iscm", i)); }
      if (kind === "ego") { params.set("actor", await resolveActor($("map-actor").value)); params.set("depth", $("map-depth").value || "1"); }
      if ($("map-year").value) { params.set("as_of", $("map-year").value); }
      if (!roles.length) { throw new Error(t("m_no_roles")); }
      rolesParam(roles).forEach((r) => params.append("roles", r));
      // the map itself is map=; kind= are the ISCM kinds, as on every REST list
      kinds.forEach((k) => params.append("kind", k));
      if ($("map-status-filter").value) { params.set("status", $("map-status-filter").value); }
      if ($("map-derivation").value !== "all") { params.set("derivation", $("map-derivation").value); }
      if ($("map-region").value) { params.set("region", $("map-region").value); }
      if ($("map-colour").value) { params.set("colour_by", $("map-colour").value); }
      // the layout is part of the map: the page and every download draw the same positions
      if ($("map-layout").value) { params.set("layout", $("map-layout").value); }
      // titles, legend, tooltips, footer and names in the page's language (the map key keeps it)
      params.set("lang", I.lang);
      const info = await I.getJSON("/api/maps?" + params.toString());
      status.textContent = t("m_result", {nodes: info.nodes, edges: info.edges});
      status.setAttribute("data-nodes", String(info.nodes));
      $("map-frame").src = info.html;
      // the map comes into view (and chromium draws a sandboxed frame only when it is on screen)
      $("map-frame").scrollIntoView({block: "nearest"});
      dl.textContent = t("m_download") + " ";
      Object.entries(info.downloads).forEach(([fmt, href]) => {
        dl.appendChild(el("a", fmt.toUpperCase().replace("_", " "), {href: href, download: "", "data-format": fmt}));
        dl.appendChild(document.createTextNode(" "));
      });
      if (info.downloads.nodes_csv) { loadNodes(info.downloads.nodes_csv); }
    } catch (err) { status.textContent = t("p_error", {msg: err.message}); status.className = "error"; status.setAttribute("role", "alert"); }
  }
  $("map-form").addEventListener("submit", (e) => { e.preventDefault(); buildMap(true); });
  // the drawn map says when it is on screen (tests and bench/ wait for data-drawn)
  window.addEventListener("message", (ev) => {
    if (ev.source !== $("map-frame").contentWindow || !ev.data || ev.data.type !== "iscm-map-ready") { return; }
    $("map-status").setAttribute("data-drawn", "true");
  });
  // the year: a slider and a box that follow each other; the slider's far right is the release year
  $("map-year-range").addEventListener("input", () => { $("map-year").value = $("map-year-range").value; });
  $("map-year").addEventListener("input", () => { if ($("map-year").value) { $("map-year-range").value = $("map-year").value; } });

  // ---------------------------------------------------------------- finding names inside the drawn map
  function parseCSV(text) {
    const rows = [];
    let row = [], cell = "", quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === "\"" && text[i + 1] === "\"") { cell += "\""; i++; } else if (c === "\"") { quoted = false; } else { cell += c; }
      } else if (c === "\"") { quoted = true; } else if (c === ",") { row.push(cell); cell = ""; } else if (c === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; } else { cell += c; }
    }
    if (cell || row.length) { row.push(cell); rows.push(row); }
    const head = rows.shift() || [];
    return rows.filter((r) => r.length === head.length).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
  }
  async function loadNodes(url) {
    const resp = await fetch(url);
    if (!resp.ok) { return; }
    nodes = parseCSV(await resp.text());
    $("map-find-form").hidden = false;
    $("map-find").value = "";
  }
  const fold = (s) => String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  function find() {
    const q = fold($("map-find").value.trim());
    const out = $("map-found");
    out.textContent = "";
    if (q.length < 2) { return; }
    const hits = nodes.filter((n) => fold(I.name(n.id, n.label)).includes(q) || fold(n.label).includes(q) || fold(n.id) === q);
    out.appendChild(el("p", t("m_found", {n: hits.length, total: nodes.length}), {class: "hint", id: "map-found-count", "data-n": String(hits.length)}));
    const ul = el("ul", null, {class: "found"});
    out.appendChild(ul);
    hits.slice(0, 30).forEach((n) => {
      const type = n.type === "state" ? "state" : n.type === "iscm" ? "iscm" : "organisation";
      const li = el("li");
      li.appendChild(I.link(n.id, type, I.name(n.id, n.label)));
      li.appendChild(el("span", [I.word("type", n.type), I.region(n.subregion || n.region)].filter(Boolean).join(" · "), {class: "type"}));
      ul.appendChild(li);
    });
    // the drawn map may highlight them: it listens for this message (a sandboxed frame: no other way in)
    const frame = $("map-frame").contentWindow;
    if (frame) { frame.postMessage({type: "iscm-map-find", ids: hits.map((n) => n.id), q: $("map-find").value.trim()}, "*"); }
  }
  $("map-find").addEventListener("input", find);
  // a search typed while the map was still loading is sent again once it is there
  $("map-frame").addEventListener("load", () => { if ($("map-find").value.trim() && nodes.length) { find(); } });
  $("map-find-form").addEventListener("submit", (e) => { e.preventDefault(); find(); });

  // ---------------------------------------------------------------- the world map tab
  function showTab(which, push) {
    const world = which === "world";
    $("tab-network").setAttribute("aria-selected", String(!world));
    $("tab-world").setAttribute("aria-selected", String(world));
    $("network-panel").hidden = world;
    $("world-panel").hidden = !world;
    if (push !== undefined) { setURL({tab: world ? "world" : null}, push); }
  }
  $("tab-network").addEventListener("click", () => showTab("network", true));
  $("tab-world").addEventListener("click", () => showTab("world", true));
  async function drawWorld(push) {
    const status = $("world-status"), frame = $("world-frame");
    frame.removeAttribute("src"); $("world-downloads").textContent = ""; status.className = ""; status.removeAttribute("data-ready"); status.removeAttribute("role");
    status.textContent = t("m_building");
    const mode = $("world-kind").value, kinds = checked("wkind");
    setURL({tab: "world", world: mode, wiscm: mode === "iscm" ? $("world-iscm").value : null, wkind: kinds,
      wstatus: $("world-status-filter").value, wyear: $("world-year").value}, push);
    try {
      await I.ready;
      const params = new URLSearchParams();
      params.set("map", mode);
      let title = t("w_title_count");
      if (mode === "iscm") {
        const [id] = await resolveIscms($("world-iscm").value);
        params.set("iscm", id);
        title = t("w_title_iscm", {name: I.name(id)});
      }
      kinds.forEach((k) => params.append("kind", k));
      if ($("world-status-filter").value) { params.set("status", $("world-status-filter").value); }
      if ($("world-year").value) { params.set("as_of", $("world-year").value); }
      // the numbered legend, the filters and the report downloads come with the map's description
      params.set("lang", I.lang);
      const info = await I.getJSON("/api/maps/world?" + params.toString());
      frame.src = info.svg;
      frame.scrollIntoView({block: "nearest"});
      status.textContent = title;
      const dl = $("world-downloads");
      dl.textContent = t("m_download") + " ";
      Object.entries(info.downloads).forEach(([fmt, href]) => {
        dl.appendChild(el("a", fmt.toUpperCase().replace("_", " "), {href: href, download: "", "data-format": fmt}));
        dl.appendChild(document.createTextNode(" "));
      });
    } catch (err) { status.textContent = t("p_error", {msg: err.message}); status.className = "error"; status.setAttribute("role", "alert"); }
  }
  $("world-form").addEventListener("submit", (e) => { e.preventDefault(); drawWorld(true); });
  // a country clicked on the world map opens the State's profile: the world maps mark countries with
  // data-iso; pygal's count map with its two-letter code as the country group's first class
  $("world-frame").addEventListener("load", () => {
    const doc = $("world-frame").contentDocument;
    if (!doc || !doc.documentElement || !$("world-frame").getAttribute("src")) { return; }
    doc.documentElement.style.cursor = "pointer";
    $("world-status").setAttribute("data-ready", "true");
    doc.addEventListener("click", (ev) => {
      const target = ev.target.closest ? ev.target : ev.target.parentElement;
      const marked = target.closest("[data-iso]");
      let code = marked ? marked.getAttribute("data-iso") : null;
      const group = code ? null : target.closest("g.country");
      if (group) { code = group.classList[0]; }
      if (!code) { return; }
      const a3 = code.length === 2 ? (I.labels.alpha2 || {})[code.toUpperCase()] : code.toUpperCase();
      if (!a3) { return; }
      I.open({type: "state", id: a3});
      document.getElementById("profile").scrollIntoView();
    });
  });

  // ---------------------------------------------------------------- restoring a URL
  const setURL = (changes, push) => I.setURL(changes, push);
  function restore() {
    const p = new URLSearchParams(location.search);
    if (p.get("map")) {
      $("map-kind").value = p.get("map");
      if (p.get("iscms")) { $("map-iscms").value = p.get("iscms"); }
      if (p.get("actor")) { $("map-actor").value = p.get("actor"); }
      if (p.get("depth")) { $("map-depth").value = p.get("depth"); }
      fields();
      $("map-year").value = p.get("myear") || "";
      if (p.get("myear")) { $("map-year-range").value = p.get("myear"); }
      setChecked("mrole", p.getAll("mrole").length ? p.getAll("mrole") : defaultRoles(p.get("map")));
      setChecked("mkind", p.getAll("mkind"));
      $("map-status-filter").value = p.get("mstatus") || "";
      $("map-derivation").value = p.get("mderiv") || "all";
      $("map-region").value = p.get("mregion") || "";
      $("map-colour").value = p.get("mcolour") || "";
      $("map-layout").value = p.get("mlayout") || "";
      buildMap(false);
    }
    showTab(p.get("tab") === "world" || p.get("world") ? "world" : "network");
    if (p.get("world")) {
      $("world-kind").value = p.get("world");
      $("world-iscm").value = p.get("wiscm") || "";
      setChecked("wkind", p.getAll("wkind"));
      $("world-status-filter").value = p.get("wstatus") || "";
      $("world-year").value = p.get("wyear") || "";
      drawWorld(false);
    }
  }
  window.addEventListener("popstate", restore);
  restore();
})();
