// SPARQL query page: run the query with fetch and show SELECT results as a table, with the names of
// our States, ISCMs and organisations beside their IRIs and ISO codes, and a CSV download; the query is kept in the
// URL's fragment (/sparql#query=…: the query string would go to the SPARQL protocol), so a link reruns it.
"use strict";
(function () {
  const form = document.getElementById("sparql-form");
  const query = document.getElementById("query");
  const format = document.getElementById("format");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  // the page's language: messages in a JSON block (not a script), English if it is missing
  const block = document.getElementById("i18n-data");
  const messages = block ? JSON.parse(block.textContent).messages : {};
  const t = (key, values, fallback) => {
    let text = messages[key] || fallback;
    Object.entries(values || {}).forEach(([k, v]) => { text = text.split("{" + k + "}").join(String(v)); });
    return text;
  };
  // syntax highlighting: the query drawn again, in colour, under a textarea whose own text is
  // transparent (the caret and the selection stay the textarea's); spans built with textContent
  const hl = document.getElementById("query-hl");
  const TOKENS = new RegExp([
    "(#[^\\n]*)", "(\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", "(<[^<>\"{}|^`\\s]*>)", "([?$][A-Za-z0-9_]+)",
    "\\b(SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|FILTER|OPTIONAL|UNION|MINUS|GRAPH|SERVICE|BIND|VALUES|GROUP|BY|ORDER|" +
      "HAVING|LIMIT|OFFSET|DISTINCT|REDUCED|AS|PREFIX|BASE|FROM|NAMED|NOT|EXISTS|IN|ASC|DESC|COUNT|SUM|MIN|MAX|" +
      "AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|REGEX|CONTAINS|IF|COALESCE|true|false)\\b",
    "([A-Za-z][\\w-]*:[\\w-]*)"].join("|"), "gi");
  const CLASSES = ["com", "str", "iri", "var", "kw", "pn"];
  function highlight() {
    const text = query.value;
    const out = document.createDocumentFragment();
    let last = 0;
    for (const m of text.matchAll(TOKENS)) {
      if (m.index > last) { out.appendChild(document.createTextNode(text.slice(last, m.index))); }
      const span = document.createElement("span");
      span.className = CLASSES[m.slice(1).findIndex((g) => g !== undefined)];
      span.textContent = m[0];
      out.appendChild(span);
      last = m.index + m[0].length;
    }
    out.appendChild(document.createTextNode(text.slice(last) + "\n"));  // a last empty line keeps its height
    hl.replaceChildren(out);
    hl.scrollTop = query.scrollTop;
  }
  query.addEventListener("input", highlight);
  query.addEventListener("scroll", () => { hl.scrollTop = query.scrollTop; });
  highlight();
  document.getElementById("examples").addEventListener("change", (e) => {
    const t = document.getElementById("example-" + e.target.value);
    if (t) { query.value = t.content ? t.content.textContent : t.textContent; highlight(); }
  });
  let labels = {states: {}, iscms: {}, organisations: {}};
  const labelsReady = fetch("/api/labels?lang=" + (document.documentElement.lang || "en"), {headers: {Accept: "application/json"}})
    .then((r) => r.json()).then((l) => { labels = l; }).catch(() => {});
  // https://w3id.org/iscm/id/state/MAR → "Morocco"; nothing for IRIs that are not one of ours
  function nameOf(iri) {
    const m = /^https:\/\/w3id\.org\/iscm\/id\/(state|iscm|org)\/([^/#?]+)$/.exec(iri);
    if (!m) { return ""; }
    if (m[1] === "state") { return labels.states[m[2]] || ""; }
    if (m[1] === "iscm") { return (labels.iscms[m[2]] || {}).label || ""; }
    return labels.organisations[m[2]] || "";
  }
  function cell(binding) {
    if (!binding) { return document.createTextNode(""); }
    if (binding.type === "uri") {
      const span = document.createElement("span");
      const a = document.createElement("a");
      const local = binding.value.replace("https://w3id.org/iscm/", "/");
      a.href = binding.value.startsWith("https://w3id.org/iscm/id/") ? local : binding.value;
      a.textContent = binding.value;
      span.appendChild(a);
      const name = nameOf(binding.value);
      if (name) {
        const label = document.createElement("span");
        label.className = "type label";
        label.textContent = name;
        span.appendChild(label);
      }
      return span;
    }
    // an ISO alpha-3 code of one of our States or territories: its name beside it
    if (/^[A-Z]{3}$/.test(binding.value) && labels.states[binding.value]) {
      const span = document.createElement("span");
      span.appendChild(document.createTextNode(binding.value));
      const label = document.createElement("span");
      label.className = "type label";
      label.textContent = labels.states[binding.value];
      span.appendChild(label);
      return span;
    }
    return document.createTextNode(binding.value);
  }
  // the same query again as CSV, saved under a plain name (a link could not send the Accept header)
  function csvButton(text) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "csv";
    b.id = "sparql-csv";
    b.textContent = t("sq_csv", {}, "Download CSV");
    b.addEventListener("click", async () => {
      const resp = await fetch("/sparql", {method: "POST", headers: {"Content-Type": "application/sparql-query", "Accept": "text/csv"}, body: text});
      const a = document.createElement("a");
      a.href = URL.createObjectURL(await resp.blob());
      a.download = "sparql-results.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
    return b;
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    history.replaceState(null, "", "#query=" + encodeURIComponent(query.value) + "&format=" + format.value);
    status.textContent = t("sq_running", {}, "Running…");
    results.textContent = "";
    const accept = {json: "application/sparql-results+json", csv: "text/csv", tsv: "text/tab-separated-values",
                    xml: "application/sparql-results+xml", turtle: "text/turtle", jsonld: "application/ld+json"}[format.value];
    const t0 = performance.now();
    const resp = await fetch("/sparql", {method: "POST", headers: {"Content-Type": "application/sparql-query", "Accept": accept},
                                          body: query.value});
    const ms = Math.round(performance.now() - t0);
    if (!resp.ok) {
      let detail = resp.statusText;
      try { detail = (await resp.json()).detail; } catch (err) { /* not JSON */ }
      status.textContent = t("sq_error", {status: resp.status, detail: detail}, "Error {status}: {detail}");
      status.className = "error";
      return;
    }
    status.className = "";
    if (format.value === "json") {
      const data = await resp.json();
      if (data.boolean !== undefined) { status.textContent = "ASK: " + data.boolean + " (" + ms + " ms)"; return; }
      await labelsReady;
      const table = document.createElement("table");
      const head = table.insertRow();
      data.head.vars.forEach((v) => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
      data.results.bindings.forEach((b) => {
        const row = table.insertRow();
        data.head.vars.forEach((v) => row.insertCell().appendChild(cell(b[v])));
      });
      results.appendChild(table);
      results.appendChild(csvButton(query.value));
      const truncated = resp.headers.get("X-Result-Truncated");
      status.textContent = t("sq_rows", {n: data.results.bindings.length, ms: ms}, "{n} row(s) in {ms} ms") +
        (truncated ? t("sq_truncated", {why: truncated}, " — truncated ({why})") : "");
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await resp.text();
      results.appendChild(pre);
      status.textContent = t("sq_done", {ms: ms}, "done in {ms} ms");
    }
  });
  // a shared link: the query (and format) from the fragment, run at once
  const shared = new URLSearchParams(location.hash.slice(1));
  if (shared.get("query")) {
    query.value = shared.get("query");
    highlight();
    if (shared.get("format")) { format.value = shared.get("format"); }
    form.requestSubmit();
  }
  form.setAttribute("data-ready", "true");  // the handlers are in place (tests, bench/)
})();
