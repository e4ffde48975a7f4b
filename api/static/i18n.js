// Interface text and names in the page's language: messages come in the page itself (a JSON data
// block, not a script), names of States and ISCMs from /api/labels?lang=. Shared by app.js and profile.js.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("i18n-data").textContent);
  const I = window.ISCM = window.ISCM || {};
  I.lang = data.lang;
  I.messages = data.messages;
  I.cite = data.cite || null;  // the release's "how to cite" line, for the footnote of every CSV download
  I.t = function (key, values) {
    let text = I.messages[key];
    if (text === undefined) { return key; }
    Object.entries(values || {}).forEach(([k, v]) => { text = text.split("{" + k + "}").join(String(v)); });
    return text;
  };
  // a word from the data ("interregional-forum") in the page's language, or readable if unknown
  I.word = function (prefix, value) {
    if (value === null || value === undefined || value === "") { return ""; }
    const key = prefix + "_" + value;
    return I.messages[key] !== undefined ? I.messages[key] : String(value).replace(/-/g, " ");
  };
  I.labels = {states: {}, iscms: {}, organisations: {}, regions: {}};
  I.ready = fetch("/api/labels?lang=" + I.lang, {headers: {Accept: "application/json"}})
    .then((r) => r.json()).then((l) => { I.labels = l; }).catch(() => {});
  // the name to show for an entity id, falling back to the label the API gave
  I.name = function (id, fallback) {
    const l = I.labels;
    if (l.states[id]) { return l.states[id]; }
    if (l.iscms[id]) { return l.iscms[id].label; }
    return l.organisations[id] || fallback || id;
  };
  // a UN M49 region or sub-region (English, as the API gives it) in the page's language
  I.region = function (name) { return (name && I.labels.regions && I.labels.regions[name]) || name || ""; };
  I.collator = new Intl.Collator(I.lang, {sensitivity: "base"});
})();
