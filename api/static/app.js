// Explorer page: search, profiles and the map builder. All text from the API goes in via
// textContent, never innerHTML, so names in the data cannot become markup.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
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
  function membershipTable(rows, cols) {
    const table = el("table");
    const head = table.insertRow();
    cols.forEach(([key, title]) => head.appendChild(el("th", title)));
    rows.forEach((r) => {
      const tr = table.insertRow();
      cols.forEach(([key]) => {
        const td = tr.insertCell();
        if (key === "source" && r.source) {
          if (/^https?:\/\//.test(r.source)) { td.appendChild(el("a", "source", {href: r.source, rel: "noopener", class: "source"})); }
          else { td.appendChild(el("span", r.source, {class: "source"})); }
        } else { td.textContent = r[key] === null || r[key] === undefined ? "" : String(r[key]); }
      });
    });
    return table;
  }
  async function showProfile(hit) {
    const box = $("profile");
    box.textContent = "";
    try {
      if (hit.type === "state") {
        const p = await getJSON("/api/states/" + encodeURIComponent(hit.id));
        box.appendChild(el("h2", p.label + " (" + p.id + ")", {id: "profile-title"}));
        box.appendChild(el("p", (p.subregion || p.region || "") + " · member of " + p.iscm_count + " ISCMs", {id: "profile-summary"}));
        box.appendChild(membershipTable(p.iscms, [["organisation_label", "ISCM"], ["role", "role"], ["start", "since"], ["as_of", "as of"], ["source", "source"]]));
        if (p.unions_and_igos.length) {
          box.appendChild(el("h3", "Regional unions and IGOs"));
          box.appendChild(membershipTable(p.unions_and_igos, [["organisation_label", "organisation"], ["role", "role"], ["as_of", "as of"], ["source", "source"]]));
        }
        if (p.actions.length) {
          box.appendChild(el("h3", "Capacity-building actions"));
          box.appendChild(membershipTable(p.actions, [["title", "action"], ["relation", "role"], ["status", "status"]]));
        }
        $("map-actor").value = p.id;
      } else if (hit.type === "iscm") {
        const p = await getJSON("/api/iscms/" + encodeURIComponent(hit.id));
        box.appendChild(el("h2", p.label, {id: "profile-title"}));
        box.appendChild(el("p", [p.kind, p.status, p.established ? "est. " + p.established : ""].filter(Boolean).join(" · ") + " · " + p.member_count + " members", {id: "profile-summary"}));
        if (p.themes.length) { box.appendChild(el("p", "Themes: " + p.themes.join(", "))); }
        box.appendChild(membershipTable(p.members.concat(p.observers, p.secretariat), [["actor_label", "actor"], ["role", "role"], ["as_of", "as of"], ["source", "source"]]));
        $("map-iscms").value = p.id;
      } else {
        const p = await getJSON("/api/organisations/" + encodeURIComponent(hit.id));
        box.appendChild(el("h2", p.label, {id: "profile-title"}));
        box.appendChild(membershipTable(p.roles_in_iscms.concat(p.members), [["organisation_label", "in"], ["actor_label", "actor"], ["role", "role"], ["as_of", "as of"], ["source", "source"]]));
        $("map-actor").value = p.id;
      }
      box.appendChild(el("a", "Linked data", {href: hit.url}));
    } catch (err) { box.appendChild(el("p", "Error: " + err.message, {class: "error"})); }
  }
  $("search-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const list = $("hits");
    list.textContent = "";
    const q = $("search").value.trim();
    if (!q) { return; }
    try {
      const res = await getJSON("/api/search?q=" + encodeURIComponent(q));
      if (!res.hits.length) { list.appendChild(el("li", "No match for " + q)); }
      res.hits.forEach((hit) => {
        const li = el("li");
        const a = el("a", hit.label, {href: "#", "data-id": hit.id});
        a.addEventListener("click", (ev) => { ev.preventDefault(); showProfile(hit); });
        li.appendChild(a);
        li.appendChild(el("span", hit.type, {class: "type"}));
        list.appendChild(li);
      });
      if (res.hits.length) { showProfile(res.hits[0]); }
    } catch (err) { list.appendChild(el("li", "Error: " + err.message, {class: "error"})); }
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
