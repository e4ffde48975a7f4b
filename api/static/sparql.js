// SPARQL query page: run the query with fetch and show SELECT results as a table.
"use strict";
(function () {
  const form = document.getElementById("sparql-form");
  const query = document.getElementById("query");
  const format = document.getElementById("format");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  document.getElementById("examples").addEventListener("change", (e) => {
    const t = document.getElementById("example-" + e.target.value);
    if (t) { query.value = t.content ? t.content.textContent : t.textContent; }
  });
  function cell(binding) {
    if (!binding) { return document.createTextNode(""); }
    if (binding.type === "uri") {
      const a = document.createElement("a");
      const local = binding.value.replace("https://w3id.org/iscm/", "/");
      a.href = binding.value.startsWith("https://w3id.org/iscm/id/") ? local : binding.value;
      a.textContent = binding.value;
      return a;
    }
    return document.createTextNode(binding.value);
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "Running…";
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
      status.textContent = "Error " + resp.status + ": " + detail;
      status.className = "error";
      return;
    }
    status.className = "";
    if (format.value === "json") {
      const data = await resp.json();
      if (data.boolean !== undefined) { status.textContent = "ASK: " + data.boolean + " (" + ms + " ms)"; return; }
      const table = document.createElement("table");
      const head = table.insertRow();
      data.head.vars.forEach((v) => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
      data.results.bindings.forEach((b) => {
        const row = table.insertRow();
        data.head.vars.forEach((v) => row.insertCell().appendChild(cell(b[v])));
      });
      results.appendChild(table);
      const truncated = resp.headers.get("X-Result-Truncated");
      status.textContent = data.results.bindings.length + " row(s) in " + ms + " ms" + (truncated ? " — truncated (" + truncated + ")" : "");
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await resp.text();
      results.appendChild(pre);
      status.textContent = "done in " + ms + " ms";
    }
  });
  form.setAttribute("data-ready", "true");  // the handlers are in place (tests, bench/)
})();
