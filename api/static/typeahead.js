// Type-ahead for inputs marked data-typeahead="iscm,state,organisation" (the kinds of names offered)
// and data-multi="true" (several, comma-separated: the suggestion replaces the name being typed).
// Names come from /api/labels in the page's language (I.labels); arrows move, Enter or a click picks,
// Escape closes. Text goes in via textContent only.
"use strict";
(function () {
  const I = window.ISCM;
  const el = I.el;
  const MAX = 8;
  const fold = (s) => String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  function candidates(kinds) {
    const out = [];
    if (kinds.includes("iscm")) { Object.entries(I.labels.iscms).forEach(([id, v]) => out.push({id: id, name: v.label, type: "iscm"})); }
    if (kinds.includes("state")) { Object.entries(I.labels.states).forEach(([id, name]) => out.push({id: id, name: name, type: "state"})); }
    if (kinds.includes("organisation")) { Object.entries(I.labels.organisations).forEach(([id, name]) => out.push({id: id, name: name, type: "organisation"})); }
    return out.map((c) => Object.assign(c, {folded: fold(c.name), fid: fold(c.id)}));
  }
  let counter = 0;
  function attach(input) {
    const kinds = input.getAttribute("data-typeahead").split(",");
    const multi = input.getAttribute("data-multi") === "true";
    const list = el("ul", null, {class: "typeahead", role: "listbox", id: "ta-" + (++counter), hidden: ""});
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.insertAdjacentElement("afterend", list);
    let all = null, shown = [], active = -1;
    const current = () => (multi ? input.value.split(",").pop() : input.value).trim();
    function close() { list.hidden = true; list.textContent = ""; shown = []; active = -1; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
    function pick(c) {
      if (multi) {
        const parts = input.value.split(",");
        parts[parts.length - 1] = " " + c.name;
        input.value = parts.map((p) => p.trim()).filter(Boolean).join(", ") + ", ";
      } else { input.value = c.name; }
      input.setAttribute("data-picked", c.id);
      close();
      input.focus();
    }
    function mark() {
      Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
      if (active >= 0) { input.setAttribute("aria-activedescendant", list.children[active].id); }
    }
    function update() {
      const q = fold(current());
      if (q.length < 2) { close(); return; }
      all = all || candidates(kinds);
      // a complete name or code needs no suggestions (and the list would cover the form's buttons)
      if (all.some((c) => c.fid === q || c.folded === q)) { close(); return; }
      const starts = [], inside = [];
      all.forEach((c) => {
        if (c.folded.startsWith(q)) { starts.push(c); } else if (c.folded.includes(q)) { inside.push(c); }
      });
      const by = (a, b) => I.collator.compare(a.name, b.name);
      shown = starts.sort(by).concat(inside.sort(by)).slice(0, MAX);
      list.textContent = "";
      active = -1;
      if (!shown.length) { close(); return; }
      shown.forEach((c, i) => {
        const li = el("li", c.name, {role: "option", id: list.id + "-" + i, "data-id": c.id});
        li.appendChild(el("span", I.word("type", c.type), {class: "type"}));
        // mousedown, not click: the input's blur would close the list before a click lands
        li.addEventListener("mousedown", (ev) => { ev.preventDefault(); pick(c); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    input.addEventListener("input", () => I.ready.then(update));
    input.addEventListener("blur", () => setTimeout(close, 150));
    if (input.form) { input.form.addEventListener("submit", close); }
    document.addEventListener("pointerdown", (ev) => { if (ev.target !== input && !list.contains(ev.target)) { close(); } });
    input.addEventListener("keydown", (ev) => {
      if (list.hidden) { return; }
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        active = (active + (ev.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        mark();
      } else if (ev.key === "Enter" && active >= 0) {
        ev.preventDefault(); pick(shown[active]);
      } else if (ev.key === "Escape") { close(); }
    });
  }
  I.typeahead = attach;
  document.querySelectorAll("input[data-typeahead]").forEach(attach);
})();
