// Profiles people read: one section per kind of fact, rows sorted by name, intervals in words, and
// every row citing a numbered source listed at the end. Text goes in via textContent only.
"use strict";
(function () {
  const I = window.ISCM;
  const t = I.t;
  const SVG = "http://www.w3.org/2000/svg";
  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }
  I.el = el;
  function interval(r) {
    if (r.since === undefined) { return r.start || ""; }
    if (!r.until) {
      if (!r.since) { return ""; }
      return r.start_inferred ? t("at_least_since", {d: r.since.replace("≈", "")}) : t("since", {d: r.since});
    }
    const span = r.since === r.until ? r.until : (r.since || "…") + " – " + r.until;
    return span + (r.end_reason ? " (" + I.word("reason", r.end_reason) + ")" : "");
  }
  I.interval = interval;
  // sources: numbered as the profile lists them; a row cites [n], a link to the list entry
  function citer(list) {
    const byKey = {};
    (list || []).forEach((s) => { byKey[s.key] = s; });
    return function (key) {
      const s = byKey[key];
      if (!s) { return key ? el("span", key, {class: "source"}) : document.createTextNode(""); }
      return el("a", "[" + s.n + "]", {href: "#src-" + s.n, class: "cite", title: [s.title, s.publisher].filter(Boolean).join(" — ")});
    };
  }
  // a table with a CSV button; cols: [title, (row) => text or node, csv text (optional)]
  function table(rows, cols, attrs) {
    const wrap = el("div", null, {class: "table-wrap"});
    const tb = el("table", null, attrs || {});
    const head = tb.createTHead().insertRow();
    cols.forEach(([title]) => head.appendChild(el("th", title, {scope: "col"})));
    const body = tb.createTBody();
    rows.forEach((r) => {
      const tr = body.insertRow();
      if (r.start_inferred || r.as_of_inferred) { tr.className = "inferred"; }
      cols.forEach(([, cell]) => {
        const v = cell(r);
        const td = tr.insertCell();
        if (v instanceof Node) { td.appendChild(v); } else { td.textContent = v === null || v === undefined ? "" : String(v); }
      });
    });
    wrap.appendChild(tb);
    wrap.appendChild(csvButton(rows, cols, (attrs && attrs["data-name"]) || "table"));
    return wrap;
  }
  function csvButton(rows, cols, name) {
    const b = el("button", t("csv"), {type: "button", class: "csv", "aria-label": t("csv") + " — " + name});
    b.addEventListener("click", () => {
      const lines = [cols.map(([title]) => title)].concat(rows.map((r) => cols.map(([, cell, raw]) => {
        const v = raw ? raw(r) : cell(r);
        return v instanceof Node ? v.textContent : (v === null || v === undefined ? "" : String(v));
      })));
      // a footnote, as statistical offices put under a table: the rows above, then how to cite them
      if (I.cite) { lines.push([]); lines.push([t("csv_source", {cite: I.cite})]); }
      const text = lines.map((l) => l.map((c) => /[",\n]/.test(c) ? '"' + c.replace(/"/g, '""') + '"' : c).join(",")).join("\r\n");
      // BOM: spreadsheet programs then read the names' accents right
      const blob = new Blob(["\ufeff" + text], {type: "text/csv;charset=utf-8"});
      const a = el("a", null, {href: URL.createObjectURL(blob), download: name + ".csv"});
      document.body.appendChild(a); a.click(); a.remove();
    });
    return b;
  }
  I.table = table;
  I.csvButton = csvButton;
  function link(id, type, text) {
    const a = el("a", text, {href: "?view=" + encodeURIComponent(type + ":" + id), "data-id": id, "data-type": type});
    a.addEventListener("click", (ev) => { ev.preventDefault(); I.open({id: id, type: type, label: text}); });
    return a;
  }
  I.link = link;
  function byName(key) { return (a, b) => I.collator.compare(I.name(a[key], a[key + "_label"]), I.name(b[key], b[key + "_label"])); }
  function section(box, title, node, id) {
    const s = el("section", null, id ? {id: id} : {});
    s.appendChild(el("h3", title));
    s.appendChild(node);
    box.appendChild(s);
  }
  function sourceCol(cite) { return [t("c_source"), (r) => cite(r.source), (r) => r.source || ""]; }
  // "named" is the usual case: the printed sheet leaves it out and keeps "through the African Union"
  function howCell(r) { return r.derived ? t("how_via", {via: I.name(r.via, r.via)}) : el("span", t("how_named"), {class: "named"}); }
  function actorCols(cite, withRole) {
    const cols = [[t("c_actor"), (r) => link(r.actor, r.actor_type === "state" ? "state" : (r.actor_type || "organisation"), I.name(r.actor, r.actor_label)),
      (r) => I.name(r.actor, r.actor_label)]];
    if (withRole) { cols.push([t("c_role"), (r) => I.word("role", r.role)]); }
    cols.push([t("c_held"), interval], [t("c_how"), howCell], sourceCol(cite));
    return cols;
  }
  function sourceList(list) {
    const ol = el("ol", null, {class: "sources", id: "source-list"});
    list.forEach((s) => {
      const li = el("li", null, {id: "src-" + s.n});
      li.appendChild(s.url ? el("a", s.title || s.url, {href: s.url, rel: "noopener"}) : el("span", s.title || s.key));
      const bits = [s.publisher, s.locator, s.as_of ? t("p_holds", {date: s.as_of}) : null, s.accessed ? t("p_read", {date: s.accessed}) : null].filter(Boolean);
      if (bits.length) { li.appendChild(document.createTextNode(" — " + bits.join(" · "))); }
      if (s.url) { li.appendChild(el("span", " " + s.url, {class: "url"})); }
      ol.appendChild(li);
    });
    return ol;
  }
  function timelineChart(rows) {
    // members per year as bars
    const w = 660, h = 140, pad = 24, n = rows.length;
    const max = Math.max(1, ...rows.map((r) => r.member));
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
      const tt = document.createElementNS(SVG, "title"); tt.textContent = r.year + ": " + r.member;
      rect.appendChild(tt);
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
    svg.setAttribute("aria-label", t("p_per_year") + " " + rows[0].year + "–" + rows[n - 1].year);
    return svg;
  }
  I.timelineChart = timelineChart;
  // one line per ISCM, one bar per tenure (members dark, other roles light), years along the bottom
  function ganttChart(rows, lastYear) {
    const byIscm = {};
    rows.forEach((r) => { (byIscm[r.organisation] = byIscm[r.organisation] || []).push(r); });
    const ids = Object.keys(byIscm).sort((a, b) => I.collator.compare(I.name(a), I.name(b)));
    const years = rows.map((r) => parseInt((r.start || "").slice(0, 4), 10)).filter((y) => y > 1900);
    const first = Math.min(...years, lastYear), last = lastYear;
    const left = 230, w = 880, line = 18, top = 6;
    const svg = document.createElementNS(SVG, "svg");
    const hgt = top + ids.length * line + 24;
    svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
    svg.setAttribute("class", "gantt");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", t("p_timeline"));
    const x = (y) => left + ((y - first) / Math.max(last - first + 1, 1)) * (w - left - 10);
    const frac = (d, end) => { if (!d) { return end ? last + 1 : first; } const p = d.split("-"); return parseInt(p[0], 10) + ((parseInt(p[1] || "1", 10) - 1) / 12) + (end ? 1 / 12 : 0); };
    ids.forEach((id, i) => {
      const y = top + i * line;
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("x", "0"); label.setAttribute("y", String(y + 12));
      const name = I.name(id);
      label.textContent = name.length > 34 ? name.slice(0, 33) + "…" : name;
      const full = document.createElementNS(SVG, "title"); full.textContent = name; label.appendChild(full);
      svg.appendChild(label);
      byIscm[id].forEach((r) => {
        const rect = document.createElementNS(SVG, "rect");
        const a = x(frac(r.start, false)), b = x(frac(r.end, true));
        rect.setAttribute("x", String(a)); rect.setAttribute("y", String(y + 3));
        rect.setAttribute("width", String(Math.max(b - a, 2))); rect.setAttribute("height", String(line - 6));
        // a start that is only the earliest evidence is drawn open (hatched): "first named ≈YEAR"
        rect.setAttribute("class", (r.role === "member" ? "member" : "other") + (r.start_inferred ? " first-evidence" : ""));
        const tt = document.createElementNS(SVG, "title");
        tt.textContent = name + ": " + I.word("role", r.role) + ", " + interval(r) + (r.start_inferred ? " — " + t("first_named", {d: String(r.since || "").replace("≈", "").slice(0, 4)}) : "");
        rect.appendChild(tt);
        svg.appendChild(rect);
      });
    });
    const step = Math.max(1, Math.ceil((last - first) / 10));
    for (let yr = first; yr <= last; yr += step) {
      const tx = document.createElementNS(SVG, "text");
      tx.setAttribute("x", String(x(yr))); tx.setAttribute("y", String(hgt - 6)); tx.textContent = String(yr);
      svg.appendChild(tx);
    }
    return svg;
  }
  function meetingTable(rows, cite, name) {
    const sorted = rows.slice().sort((a, b) => String(b.start || "").localeCompare(String(a.start || "")));
    return table(sorted, [[t("c_date"), (r) => r.start + (r.end && r.end !== r.start ? " – " + r.end : "")],
      [t("c_title"), (r) => link(r.id, "event", r.title), (r) => r.title], [t("c_level"), (r) => I.word("level", r.level)],
      [t("c_place"), (r) => [r.place, r.country ? I.name(r.country) : ""].filter(Boolean).join(", ")], sourceCol(cite)],
    {class: "meetings", "data-name": name});
  }

  // joins and leaves from the ISCM's timeline (/timeline?changes=true), newest first; a join whose
  // start is only the earliest evidence reads "first named ≈YEAR" and is styled apart, with a key
  function movesTable(rows, slug) {
    const sorted = rows.map((r) => Object.assign({}, r, {start_inferred: r.change === "joined" && String(r.display || "").startsWith("≈")}))
      .sort((a, b) => String(b.date || "").localeCompare(String(a.date || "")) || I.collator.compare(I.name(a.actor, a.actor_label), I.name(b.actor, b.actor_label)));
    const what = (r) => r.start_inferred ? t("first_named", {d: r.display.replace("≈", "").slice(0, 4)}) : (r.change === "joined" ? t("joined_in", {d: r.display}) : t("left_in", {d: r.display}));
    const wrap = el("div");
    wrap.appendChild(table(sorted, [[t("c_change"), what], [t("c_actor"), (r) => link(r.actor, /^[A-Z]{3}$/.test(r.actor) ? "state" : "organisation", I.name(r.actor, r.actor_label)), (r) => I.name(r.actor, r.actor_label)],
      [t("c_role"), (r) => I.word("role", r.role)], [t("c_why"), (r) => r.change === "left" ? I.word("reason", r.reason) : I.word("basis", r.reason)],
      [t("c_how"), (r) => r.derived ? t("how_derived") : t("how_named")],
      [t("c_source"), (r) => r.source_url ? el("a", t("cmp_source"), {href: r.source_url, rel: "noopener", class: "source"}) : "", (r) => r.source_url || ""]],
    {id: "moves-table", class: "moves", "data-name": slug + "-joins-and-leaves"}));
    wrap.appendChild(el("p", t("first_named_key"), {class: "hint legend-evidence"}));
    return wrap;
  }

  I.renderIscm = function (box, p, tl, when, lastYear, moves) {
    const cite = citer(p.source_list);
    const slug = p.id;
    box.appendChild(el("h2", I.name(p.id, p.label) + (p.acronym && !I.name(p.id, p.label).includes(p.acronym) ? " (" + p.acronym + ")" : ""), {id: "profile-title"}));
    const bits = [I.word("kind", p.kind), I.word("status", p.status), p.established ? t("p_established", {year: p.established.slice(0, 4)}) : "",
      t("p_members_n", {n: p.member_count, when: when})].filter(Boolean);
    box.appendChild(el("p", bits.join(" · "), {id: "profile-summary"}));
    if (p.website) {
      const w = el("p", t("p_website") + ": ");
      w.appendChild(el("a", p.website, {href: p.website, rel: "noopener", id: "website"}));
      box.appendChild(w);
    }
    if (p.themes.length) { box.appendChild(el("p", t("p_themes") + ": " + p.themes.map((x) => I.word("theme", x)).join(", "), {id: "themes"})); }
    const lead = el("div");
    const now = p.chairs.slice().sort(byName("actor"));
    lead.appendChild(now.length ? table(now, actorCols(cite, true), {id: "chairs-now", "data-name": slug + "-chairs"}) : el("p", t("p_none")));
    const pastChairs = p.chair_history.filter((r) => r.until).sort((a, b) => String(b.start).localeCompare(String(a.start)));
    if (pastChairs.length) {
      lead.appendChild(el("h4", t("p_past")));
      lead.appendChild(table(pastChairs, actorCols(cite, true), {id: "chairs-past", "data-name": slug + "-past-chairs"}));
    }
    section(box, t("p_leadership"), lead, "leadership");
    if (p.secretariat.length) { section(box, t("p_secretariat"), table(p.secretariat.slice().sort(byName("actor")), actorCols(cite, true), {"data-name": slug + "-secretariat"}), "secretariat"); }
    section(box, t("p_members", {n: p.members.length}), table(p.members.slice().sort(byName("actor")), actorCols(cite, false), {id: "members", "data-name": slug + "-members"}), "members-section");
    if (p.observers.length) { section(box, t("p_observers", {n: p.observers.length}), table(p.observers.slice().sort(byName("actor")), actorCols(cite, false), {id: "observers", "data-name": slug + "-observers"})); }
    if (p.former_members.length) { section(box, t("p_former", {n: p.former_members.length}), table(p.former_members.slice().sort(byName("actor")), actorCols(cite, true), {"data-name": slug + "-former-members"})); }
    if (p.partners.length) {
      const div = el("div");
      ["partner", "funder", "steering-committee-member"].forEach((role) => {
        const rows = p.partners.filter((r) => r.role === role).sort(byName("actor"));
        if (rows.length) { div.appendChild(el("h4", I.word("role", role))); div.appendChild(table(rows, actorCols(cite, false), {"data-name": slug + "-" + role})); }
      });
      section(box, t("p_partners"), div, "partners");
    }
    if (p.related.length) {
      section(box, t("p_related"), table(p.related, [[t("c_relation"), (r) => I.word("rel", r.relation)],
        [t("c_actor"), (r) => link(r.other, I.labels.iscms[r.other] ? "iscm" : "organisation", I.name(r.other)), (r) => I.name(r.other)],
        [t("c_as_of"), (r) => r.as_of || ""], sourceCol(cite)], {id: "related", "data-name": slug + "-related"}));
    }
    if (tl.length) { section(box, t("p_per_year"), timelineChart(tl)); }
    if (moves && moves.length) { section(box, t("p_moves", {n: moves.length}), movesTable(moves, slug), "moves"); }
    if (p.events.length) { section(box, t("p_meetings", {n: p.events.length}), meetingTable(p.events, cite, slug + "-meetings")); }
    if (p.source_list.length) { section(box, t("p_sources"), sourceList(p.source_list), "sources"); }
  };

  I.renderState = function (box, p, when, lastYear) {
    const cite = citer(p.source_list);
    const slug = p.id.toLowerCase();
    box.appendChild(el("h2", I.name(p.id, p.label) + " (" + p.id + ")", {id: "profile-title"}));
    box.appendChild(el("p", [I.region(p.subregion || p.region), t("p_member_of", {n: p.iscm_count, when: when})].filter(Boolean).join(" · "), {id: "profile-summary"}));
    const iscmCols = [[t("c_iscm"), (r) => link(r.organisation, "iscm", I.name(r.organisation, r.organisation_label)), (r) => I.name(r.organisation, r.organisation_label)],
      [t("c_role"), (r) => I.word("role", r.role)], [t("c_held"), interval],
      [t("c_how"), howCell], sourceCol(cite)];
    const part = el("div", null, {id: "participation"});
    const kindOf = (r) => (I.labels.iscms[r.organisation] || {}).kind || "other";
    ["regional-consultative-process", "interregional-forum", "global-process", "other"].forEach((k) => {
      const rows = p.iscms.filter((r) => kindOf(r) === k).sort(byName("organisation"));
      if (rows.length) { part.appendChild(el("h4", I.word("kind", k) + " (" + new Set(rows.map((r) => r.organisation)).size + ")")); part.appendChild(table(rows, iscmCols, {"data-name": slug + "-" + k})); }
    });
    section(box, t("p_participation", {when: when}), part, "participation-section");
    if (p.history.length) {
      const g = el("div");
      g.appendChild(ganttChart(p.history, lastYear));
      g.appendChild(el("p", t("p_gantt_key"), {class: "hint"}));
      section(box, t("p_timeline"), g, "timeline");
    }
    const past = p.history.filter((r) => r.until).sort((a, b) => String(b.end).localeCompare(String(a.end)));
    if (past.length) { section(box, t("p_past_roles", {n: past.length}), table(past, iscmCols, {id: "past-roles", "data-name": slug + "-past-roles"})); }
    if (p.unions_and_igos.length) {
      const cols = iscmCols.slice(); cols[0] = [t("c_actor"), (r) => link(r.organisation, "organisation", I.name(r.organisation, r.organisation_label)), (r) => I.name(r.organisation, r.organisation_label)];
      section(box, t("p_unions"), table(p.unions_and_igos.slice().sort(byName("organisation")), cols, {id: "unions", "data-name": slug + "-unions"}));
    }
    if (p.actions.length) {
      section(box, t("p_actions"), table(p.actions, [[t("c_action"), (r) => link(r.action, "action", r.title), (r) => r.title],
        [t("c_role"), (r) => I.word("role", r.relation)], [t("c_status"), (r) => r.status || ""]], {id: "actions", "data-name": slug + "-mieux"}));
    }
    if (p.liaison.length) {
      section(box, t("p_liaison"), table(p.liaison, [[t("c_network"), (r) => link(r.network, "network", I.name(r.network)), (r) => I.name(r.network)],
        [t("c_place"), (r) => [r.place, r.covered_from ? "→ " + I.name(r.covered_from) : ""].filter(Boolean).join(" ")],
        [t("c_date"), (r) => r.since || ""],
        [t("c_purpose"), (r) => r.purpose || ""], [t("c_officers"), (r) => r.count || ""]], {id: "liaison", "data-name": slug + "-liaison"}));
    }
    const hosted = (p.events && p.events.hosted) || [];
    if (hosted.length) { section(box, t("p_hosted", {n: hosted.length}), meetingTable(hosted, cite, slug + "-meetings-hosted")); }
    if (p.source_list.length) { section(box, t("p_sources"), sourceList(p.source_list), "sources"); }
  };

  I.renderOrganisation = function (box, p, when) {
    const cite = citer(p.source_list);
    box.appendChild(el("h2", I.name(p.id, p.label), {id: "profile-title"}));
    box.appendChild(el("p", I.word("type", p.type) + " · " + when, {id: "profile-summary"}));
    const roles = p.roles_in_iscms.slice().sort(byName("organisation"));
    if (roles.length) {
      section(box, t("c_role"), table(roles, [[t("c_iscm"), (r) => link(r.organisation, r.organisation_type === "iscm" ? "iscm" : "organisation", I.name(r.organisation, r.organisation_label)), (r) => I.name(r.organisation, r.organisation_label)],
        [t("c_role"), (r) => I.word("role", r.role)], [t("c_held"), interval], sourceCol(cite)], {"data-name": p.id + "-roles"}));
    }
    if (p.members.length) { section(box, t("p_members", {n: p.members.length}), table(p.members.slice().sort(byName("actor")), actorCols(cite, false), {"data-name": p.id + "-members"})); }
    if (p.source_list.length) { section(box, t("p_sources"), sourceList(p.source_list), "sources"); }
  };

  I.renderEntity = function (box, p) {
    box.appendChild(el("h2", p.label, {id: "profile-title"}));
    box.appendChild(el("p", [I.word("type", p.type), p.start ? t("p_period", {start: p.start, end: p.end || ""}) : ""].filter(Boolean).join(" · "), {id: "profile-summary"}));
    const tb = el("table", null, {class: "facts"});
    p.facts.forEach((f) => {
      const tr = tb.insertRow();
      tr.appendChild(el("th", f.property, {scope: "row"}));
      const td = tr.insertCell();
      if (f.id && f.type) { td.appendChild(link(f.id, f.type, I.name(f.id, f.value))); }
      else { td.textContent = f.value === "True" ? t("yes") : f.value === "False" ? t("no") : (f.value || ""); }
    });
    const wrap = el("div", null, {class: "table-wrap"}); wrap.appendChild(tb);
    section(box, t("p_facts"), wrap);
    if (p.sources.length) { section(box, t("p_sources"), sourceList(p.sources), "sources"); }
  };
})();
