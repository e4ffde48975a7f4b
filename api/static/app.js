// Explorer page: search, profiles (as of any date) and the researchers' question (the map builder is
// mapbuilder.js, the comparison compare.js). Every view is kept in the URL (?view=iscm:igc&as_of=2015, ?qmin=5&qyear=2010…),
// so a link or a reload restores it. Text from the API goes in via textContent, never innerHTML.
"use strict";
(function () {
  const I = window.ISCM;
  const t = I.t, el = I.el;
  const $ = (id) => document.getElementById(id);
  const releaseYear = parseInt($("as-of-help").getAttribute("data-release-year"), 10);
  async function getJSON(url) {
    const resp = await fetch(url, {headers: {Accept: "application/json"}});
    const body = await resp.json();
    if (!resp.ok) { throw new Error(body.detail || resp.statusText); }
    return body;
  }
  I.getJSON = getJSON;
  // the release and how to cite it, for the printed fact sheet
  I.about = getJSON("/api/about").catch(() => ({}));
  function asOf() { return $("as-of").value.trim(); }
  function withAsOf(url) { return asOf() ? url + (url.includes("?") ? "&" : "?") + "as_of=" + encodeURIComponent(asOf()) : url; }

  // ---------------------------------------------------------------- the URL holds the view
  // the map builder (mapbuilder.js) and the comparison (compare.js) restore their own keys
  const VIEW_KEYS = ["view", "q", "as_of", "qmin", "qyear", "qkind", "qderiv"];
  function setURL(changes, push) {
    const params = new URLSearchParams(location.search);
    Object.entries(changes).forEach(([k, v]) => {
      params.delete(k);
      (Array.isArray(v) ? v : [v]).forEach((x) => { if (x !== null && x !== undefined && x !== "") { params.append(k, x); } });
    });
    const url = location.pathname + (params.toString() ? "?" + params.toString() : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) { history[push ? "pushState" : "replaceState"](null, "", url); }
  }
  I.setURL = setURL;

  // ---------------------------------------------------------------- profiles
  let profileSeq = 0;
  function clearProfile() { profileSeq++; $("profile").textContent = ""; }
  async function open(hit, push) {
    // built off-page and swapped in whole; a newer request wins over one still loading
    const seq = ++profileSeq;
    const box = document.createElement("div");
    $("profile").setAttribute("aria-busy", "true");
    $("profile").removeAttribute("data-ready");
    setURL({view: hit.type + ":" + hit.id, as_of: asOf()}, push !== false);
    await I.ready;
    try {
      const when = asOf() ? t("when_as_of", {date: asOf()}) : t("when_release");
      if (hit.type === "state") {
        const p = await getJSON(withAsOf("/api/states/" + encodeURIComponent(hit.id)));
        I.renderState(box, p, when, releaseYear);
        $("map-actor").value = p.id;
      } else if (hit.type === "iscm") {
        const [p, tl, mv] = await Promise.all([getJSON(withAsOf("/api/iscms/" + encodeURIComponent(hit.id))),
          getJSON("/api/iscms/" + encodeURIComponent(hit.id) + "/timeline?limit=1000"),
          getJSON("/api/iscms/" + encodeURIComponent(hit.id) + "/timeline?changes=true&limit=1000")]);
        I.renderIscm(box, p, tl.items, when, releaseYear, mv.items);
        $("map-iscms").value = I.name(p.id, p.label);
      } else if (hit.type === "union" || hit.type === "organisation") {
        const p = await getJSON(withAsOf("/api/organisations/" + encodeURIComponent(hit.id)));
        I.renderOrganisation(box, p, when);
        $("map-actor").value = p.id;
      } else {
        // actions, liaison networks, meetings: their facts in words, each linked entity clickable
        I.renderEntity(box, await getJSON("/api/entities/" + encodeURIComponent(hit.id)));
      }
      const foot = el("p", null, {class: "profile-links"});
      foot.appendChild(el("a", t("p_linked_data"), {href: "/id/" + ({state: "state", iscm: "iscm", action: "action", event: "event", network: "network"}[hit.type] || "org") + "/" + hit.id}));
      foot.appendChild(document.createTextNode(" · "));
      foot.appendChild(el("a", t("p_share"), {href: location.href, id: "share-link"}));
      foot.appendChild(document.createTextNode(" · "));
      const pr = el("button", t("print"), {type: "button", class: "link", id: "print-button"});
      pr.addEventListener("click", () => window.print());
      foot.appendChild(pr);
      box.appendChild(foot);
      // the fact sheet's head and foot, printed only: release, as-of date, where from, how to cite
      const about = await I.about;
      const head = el("p", t("print_head", {release: about.release || "", when: asOf() ? t("when_as_of", {date: asOf()}) : t("when_release")}), {class: "print-only", id: "print-head"});
      box.insertBefore(head, box.firstChild);
      const cite = el("div", null, {class: "print-only", id: "print-cite"});
      cite.appendChild(el("p", t("print_cite") + " " + (about.cite || "")));
      cite.appendChild(el("p", t("print_from", {url: location.href})));
      box.appendChild(cite);
    } catch (err) { box.textContent = ""; box.appendChild(el("p", t("p_error", {msg: err.message}), {class: "error", role: "alert"})); }
    if (seq === profileSeq) {
      $("profile").replaceChildren(...box.childNodes); $("profile").removeAttribute("aria-busy");
      $("profile").setAttribute("data-ready", hit.type + ":" + hit.id);  // the profile is on screen (tests, bench/)
    }
  }
  I.open = open;

  // ---------------------------------------------------------------- search
  let lastHit = null;
  async function runSearch(q, push) {
    const list = $("hits");
    list.textContent = "";
    if (!q) { if (lastHit) { open(lastHit, push); } return; }
    setURL({q: q}, false);
    try {
      const res = await getJSON("/api/search?q=" + encodeURIComponent(q));
      if (!res.hits.length) {
        list.appendChild(el("li", t("p_no_match", {q: q}), {id: "no-match", role: "alert"}));
        clearProfile(); lastHit = null; setURL({view: null}, push);
        return;
      }
      await I.ready;
      res.hits.forEach((hit) => {
        const li = el("li");
        const a = el("a", I.name(hit.id, hit.label), {href: "?view=" + encodeURIComponent(hit.type + ":" + hit.id), "data-id": hit.id});
        a.addEventListener("click", (ev) => { ev.preventDefault(); lastHit = hit; open(hit); });
        li.appendChild(a);
        li.appendChild(el("span", I.word("type", hit.type), {class: "type"}));
        list.appendChild(li);
      });
      lastHit = res.hits[0];
      open(res.hits[0], push);
    } catch (err) { clearProfile(); list.appendChild(el("li", t("p_error", {msg: err.message}), {class: "error", role: "alert"})); }
  }
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); runSearch($("search").value.trim(), true); });

  // ---------------------------------------------------------------- the researchers' question
  async function runQuestion(push) {
    const params = new URLSearchParams();
    params.set("min_iscms", $("q-min").value || "1");
    const year = $("q-year").value.trim();
    if (year) { params.set("as_of", year); }
    const kinds = Array.from(document.querySelectorAll("#question-form input[name=kind]:checked")).map((c) => c.value);
    kinds.forEach((k) => params.append("kind", k));
    params.set("derivation", $("q-derivation").value);
    params.set("limit", "1000");
    setURL({qmin: params.get("min_iscms"), qyear: year, qkind: kinds.length ? kinds : "none", qderiv: $("q-derivation").value}, push);
    const out = $("q-result");
    out.textContent = "";
    try {
      const res = await getJSON("/api/analytics/multi-membership?" + params.toString());
      await I.ready;
      $("q-status").textContent = t("q_status", {n: res.total, when: year ? t("q_in_year", {year: year}) : t("when_release")});
      $("q-status").setAttribute("data-total", String(res.total));
      const rows = res.items.map((r) => ({state: r.state, name: I.name(r.state, r.label), n: r.n_iscms,
        iscms: String(r.iscms || "").split(",").filter(Boolean).map((i) => I.name(i.trim(), i.trim())).join("; ")}));
      rows.sort((a, b) => b.n - a.n || I.collator.compare(a.name, b.name));
      out.appendChild(I.table(rows, [[t("c_state"), (r) => I.link(r.state, "state", r.name), (r) => r.name], [t("c_n_iscms"), (r) => r.n], [t("c_which"), (r) => r.iscms]],
        {id: "q-table", "data-name": "states-in-" + params.get("min_iscms") + "-iscms-" + (year || "now")}));
      if (year) {
        // who joined these kinds of ISCMs between that year and the release year, among these States
        const since = new URLSearchParams(params);
        ["min_iscms", "as_of", "limit"].forEach((k) => since.delete(k));
        since.set("from", year.slice(0, 4));
        since.set("to", String(releaseYear));
        since.set("limit", "1000");
        const moves = await getJSON("/api/analytics/changes?" + since.toString());
        const mine = new Set(res.items.map((r) => r.state));
        const joined = moves.items.filter((m) => m.change === "joined" && mine.has(m.state));
        const p = el("p", t("q_joined", {n: joined.length, year: year.slice(0, 4)}), {id: "q-joined", "data-joined": String(joined.length)});
        // a join whose start is only the earliest evidence is "first named ≈YEAR", not a join date
        const list = el("span", null, {class: "joins"});
        joined.sort((a, b) => I.collator.compare(I.name(a.state), I.name(b.state)) || I.collator.compare(I.name(a.iscm), I.name(b.iscm)))
          .forEach((m, i) => {
            if (i) { list.appendChild(document.createTextNode(", ")); }
            const when = m.since ? (m.start_inferred ? t("first_named", {d: m.since.replace("≈", "").slice(0, 4)}) : t("joined_in", {d: m.since.slice(0, 4)})) : "";
            list.appendChild(el("span", I.name(m.state) + " → " + I.name(m.iscm) + (when ? " (" + when + ")" : ""),
              {class: m.start_inferred ? "join first-evidence" : "join", "data-state": m.state, "data-iscm": m.iscm}));
          });
        p.appendChild(list);
        out.appendChild(p);
        if (joined.some((m) => m.start_inferred)) { out.appendChild(el("p", t("first_named_key"), {class: "hint legend-evidence", id: "q-joined-key"})); }
        since.set("format", "csv");
        out.appendChild(el("a", t("q_changes_csv", {year: year.slice(0, 4)}), {href: "/api/analytics/changes?" + since.toString()}));
      }
    } catch (err) { $("q-status").textContent = t("p_error", {msg: err.message}); }
  }
  $("question-form").addEventListener("submit", (e) => { e.preventDefault(); runQuestion(true); });

  // ---------------------------------------------------------------- language and restoring a URL
  $("lang").addEventListener("change", () => { setURL({lang: $("lang").value}, false); location.reload(); });
  function restore() {
    const p = new URLSearchParams(location.search);
    $("as-of").value = p.get("as_of") || "";
    if (p.get("q")) { $("search").value = p.get("q"); }
    const view = p.get("view");
    if (view && view.includes(":")) {
      const [type, ...rest] = view.split(":");
      lastHit = {type: type, id: rest.join(":")};
      open(lastHit, false);
    } else { clearProfile(); }
    if (p.get("qmin")) {
      $("q-min").value = p.get("qmin");
      $("q-year").value = p.get("qyear") || "";
      const kinds = p.getAll("qkind");
      document.querySelectorAll("#question-form input[name=kind]").forEach((c) => { c.checked = kinds.includes(c.value); });
      if (p.get("qderiv")) { $("q-derivation").value = p.get("qderiv"); }
      runQuestion(false);
    }
  }
  window.addEventListener("popstate", restore);
  if (VIEW_KEYS.some((k) => new URLSearchParams(location.search).has(k))) { restore(); }
  // names loaded and every handler in place: the page answers search and type-ahead (tests, bench/)
  I.ready.then(() => document.body.setAttribute("data-ready", "true"));
})();
