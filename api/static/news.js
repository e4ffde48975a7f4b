// "What changed in this release": counts from the release's manifest (/api/releases) and the first
// rows of /api/changes (the served release against the one it was built after), with links to the
// whole change log. A first release has nothing to compare with, and says so.
"use strict";
(function () {
  const I = window.ISCM;
  const t = I.t, el = I.el;
  const box = document.getElementById("whats-new-body");
  const TOP = 10;
  async function show() {
    await I.ready;
    try {
      const rel = await I.getJSON("/api/releases");
      const mine = rel.releases.find((r) => r.name === rel.served) || {};
      const counts = mine.changes || {};
      const head = el("p", null, {id: "whats-new-summary"});
      if (!mine.previous) { box.replaceChildren(el("p", t("news_first", {release: rel.served}), {id: "whats-new-summary"})); return; }
      const n = ["added", "removed", "changed", "ended"].map((k) => counts[k] || 0);
      head.textContent = t("news_counts", {release: rel.served, previous: mine.previous, added: n[0], removed: n[1], changed: n[2], ended: n[3]});
      head.setAttribute("data-counts", n.join(","));
      const nodes = [head];
      if (n.some((x) => x > 0)) {
        const res = await I.getJSON("/api/changes?limit=" + TOP);
        const cols = [[t("c_change"), (r) => I.word("change", r.change)],
          [t("c_iscm"), (r) => r.organisation ? I.link(r.organisation, I.labels.iscms[r.organisation] ? "iscm" : "organisation", I.name(r.organisation)) : "", (r) => I.name(r.organisation || "")],
          [t("c_actor"), (r) => r.actor ? I.name(r.actor) : ""], [t("c_what"), (r) => r.what || ""],
          [t("c_before"), (r) => r.before || ""], [t("c_after"), (r) => r.after || ""],
          [t("c_source"), (r) => r.source && /^https?:/.test(r.source) ? el("a", t("cmp_source"), {href: r.source, rel: "noopener", class: "source"}) : (r.source || ""), (r) => r.source || ""]];
        nodes.push(I.table(res.items, cols, {id: "whats-new-table", "data-name": "changes-" + rel.served}));
        if (res.total > res.items.length) { nodes.push(el("p", t("news_more", {shown: res.items.length, total: res.total}), {class: "hint"})); }
      } else {
        nodes.push(el("p", t("news_none")));
      }
      const links = el("p");
      links.appendChild(el("a", t("news_changelog"), {href: "/dumps/CHANGELOG.md", id: "changelog-link"}));
      links.appendChild(document.createTextNode(" · "));
      links.appendChild(el("a", t("news_csv"), {href: "/api/changes?format=csv&limit=1000", download: "changes-" + rel.served + ".csv"}));
      nodes.push(links);
      box.replaceChildren(...nodes);
    } catch (err) {
      box.replaceChildren(el("p", t("p_error", {msg: err.message}), {class: "error"}));
    }
  }
  show();
})();
