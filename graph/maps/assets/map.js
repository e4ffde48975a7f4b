"use strict";
(function () {
var DATA = /*DATA*/;
function tip(text) {
  var div = document.createElement("div");
  div.className = "map-tip";
  div.textContent = text;
  return div;
}
DATA.nodes.forEach(function (n) { n.title = tip(n.title); });
DATA.edges.forEach(function (e) { e.title = tip(e.title); });
var box = document.getElementById("map");
var network = new vis.Network(box, {nodes: new vis.DataSet(DATA.nodes), edges: new vis.DataSet(DATA.edges)},
                              DATA.options);
network.once("afterDrawing", function () { box.setAttribute("data-ready", "true"); });
window.iscmMap = network;
box.setAttribute("data-nodes", String(DATA.nodes.length));
box.setAttribute("data-edges", String(DATA.edges.length));
// "find in this map" on the page: the parent window names the nodes to select and bring into view
// (only the embedding page may ask; ids that are not in this map are ignored)
var known = {};
DATA.nodes.forEach(function (n) { known[n.id] = true; });
window.addEventListener("message", function (ev) {
  var msg = ev.data;
  if (ev.source !== window.parent || !msg || msg.type !== "iscm-map-find" || !Array.isArray(msg.ids)) { return; }
  var ids = msg.ids.filter(function (id) { return typeof id === "string" && known[id]; }).slice(0, 500);
  network.selectNodes(ids);
  if (ids.length) { network.fit({nodes: ids, animation: false}); }
  box.setAttribute("data-selected", String(ids.length));
});
})();
