// Compare two ISCMs: States in both, only in A, only in B, as of a date (/api/compare). The view is
// kept in the URL (?compare=rabat-process,khartoum-process&as_of=2015) and restored from it.
"use strict";
(function () {
  const I = window.ISCM;
  const t = I.t, el = I.el;
  const $ = (id) => document.getElementById(id);

  // a name, acronym or id typed (or picked from the list) → the ISCM's id; unknown: what to type
  async function resolve(text) {
    const v = text.trim();
    if (!v) { throw new Error(t("cmp_missing")); }
    if (I.labels.iscms[v]) { return v; }
    const folded = v.toLocaleLowerCase();
    const byName = Object.entries(I.labels.iscms).find(([, x]) => x.label.toLocaleLowerCase() === folded);
    if (byName) { return byName[0]; }
    const res = await I.getJSON("/api/search?type=iscm&limit=1&q=" + encodeURIComponent(v));
    if (!res.hits.length) { throw new Error(t("m_unknown", {name: v})); }
    return res.hits[0].id;
  }

  function held(side) {
    return (r) => {
      if (!r[side + "_role"]) { return ""; }
      const bits = [I.interval({since: r[side + "_since"], until: r[side + "_until"], start_inferred: r[side + "_start_inferred"]})];
      if (r[side + "_role"] !== "member") { bits.unshift(I.word("role", r[side + "_role"])); }
      if (r[side + "_derived"]) { bits.push(t("how_via", {via: I.name(r[side + "_via"], r[side + "_via"])})); }
      return bits.filter(Boolean).join(", ");
    };
  }
  function source(side) {
    return (r) => r[side + "_source"] ? el("a", t("cmp_source"), {href: r[side + "_source"], rel: "noopener", class: "source"}) : "";
  }

  let seq = 0;
  async function run(push) {
    const mine = ++seq;
    const out = $("cmp-result"), status = $("cmp-status");
    // a new request clears the old answer first: nothing stale stays on screen
    out.textContent = ""; status.className = ""; status.removeAttribute("data-counts");
    status.textContent = t("m_building");
    const when = $("cmp-as-of").value.trim();
    try {
      await I.ready;
      const [a, b] = [await resolve($("cmp-a").value), await resolve($("cmp-b").value)];
      I.setURL({compare: a + "," + b, as_of: when, croles: $("cmp-roles").value === "members" ? null : $("cmp-roles").value}, push);
      const params = new URLSearchParams({a: a, b: b, roles: $("cmp-roles").value, limit: "1000"});
      if (when) { params.set("as_of", when); }
      const res = await I.getJSON("/api/compare?" + params.toString());
      if (mine !== seq) { return; }
      const nameA = I.name(a), nameB = I.name(b);
      // column heads take the short name ("Rabat Process" of "Euro-African Dialogue … (Rabat Process)")
      const short = (n) => { const m = /\(([^()]+)\)$/.exec(n); return m ? m[1] : n; };
      const shortA = short(nameA), shortB = short(nameB);
      $("cmp-a").value = nameA; $("cmp-b").value = nameB;
      const groups = {both: [], only_a: [], only_b: []};
      res.items.forEach((r) => groups[r.in].push(r));
      const whenText = when ? t("when_as_of", {date: when}) : t("when_release");
      status.textContent = t("cmp_status", {both: groups.both.length, a: nameA, na: groups.only_a.length, b: nameB, nb: groups.only_b.length, when: whenText});
      status.setAttribute("data-counts", [groups.both.length, groups.only_a.length, groups.only_b.length].join(","));
      const state = [t("c_state"), (r) => I.link(r.state, "state", I.name(r.state, r.state_label)), (r) => I.name(r.state, r.state_label)];
      const code = [t("c_code"), (r) => r.state];
      const region = [t("c_region"), (r) => I.region(r.subregion || r.region)];
      const slug = a + "-" + b + (when ? "-" + when : "");
      [["both", t("cmp_both", {a: nameA, b: nameB}), [state, code, region, [shortA, held("a")], [t("c_source") + " (" + shortA + ")", source("a"), (r) => r.a_source || ""],
        [shortB, held("b")], [t("c_source") + " (" + shortB + ")", source("b"), (r) => r.b_source || ""]]],
      ["only_a", t("cmp_only", {x: nameA, y: nameB}), [state, code, region, [t("c_held"), held("a")], [t("c_source"), source("a"), (r) => r.a_source || ""]]],
      ["only_b", t("cmp_only", {x: nameB, y: nameA}), [state, code, region, [t("c_held"), held("b")], [t("c_source"), source("b"), (r) => r.b_source || ""]]]]
        .forEach(([key, title, cols]) => {
          const s = el("section", null, {id: "cmp-" + key});
          s.appendChild(el("h3", title + " (" + groups[key].length + ")"));
          const rows = groups[key].map((r) => Object.assign({}, r, {start_inferred: false}));
          s.appendChild(groups[key].length ? I.table(rows, cols, {"data-name": slug + "-" + key.replace("_", "-"), class: "compare"}) : el("p", t("p_none")));
          out.appendChild(s);
        });
      const csv = new URLSearchParams(params); csv.set("format", "csv");
      const p = el("p");
      p.appendChild(el("a", t("cmp_csv_all"), {href: "/api/compare?" + csv.toString(), id: "cmp-csv", download: slug + ".csv"}));
      out.appendChild(p);
    } catch (err) {
      if (mine !== seq) { return; }
      status.textContent = t("p_error", {msg: err.message}); status.className = "error"; status.setAttribute("role", "alert");
    }
  }
  $("compare-form").addEventListener("submit", (e) => { e.preventDefault(); run(true); });

  function restore() {
    const p = new URLSearchParams(location.search);
    const pair = (p.get("compare") || "").split(",").map((s) => s.trim()).filter(Boolean);
    if (pair.length !== 2) { return; }
    I.ready.then(() => {
      $("cmp-a").value = I.name(pair[0]); $("cmp-b").value = I.name(pair[1]);
      $("cmp-as-of").value = p.get("as_of") || "";
      $("cmp-roles").value = p.get("croles") || "members";
      run(false);
      $("compare").scrollIntoView();
    });
  }
  window.addEventListener("popstate", restore);
  restore();
})();
