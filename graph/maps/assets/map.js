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
var nodeSet = new vis.DataSet(DATA.nodes);
var network = new vis.Network(box, {nodes: nodeSet, edges: new vis.DataSet(DATA.edges)}, DATA.options);
// labels keep a readable size on screen at any zoom: LABEL_PX at least, anchors a quarter larger.
// (vis scales text with the map and stops drawing it below 5 px: a map fitted to a phone had no labels.)
var LABEL_PX = 13, labelSize = 0;
var anchors = DATA.nodes.filter(function (n) { return n.borderWidth > 1; }).map(function (n) { return n.id; });
function relabel() {
  var size = Math.max(14, LABEL_PX / network.getScale());
  if (labelSize && Math.abs(size - labelSize) / labelSize < 0.04) { return; }
  labelSize = size;
  network.setOptions({nodes: {font: {size: size, strokeWidth: size / 4}}});
  if (anchors.length) {
    nodeSet.update(anchors.map(function (id) {
      return {id: id, font: {size: size * 1.25, strokeWidth: size / 4}};
    }));
  }
}
network.on("zoom", relabel);
network.once("afterDrawing", function () {
  relabel();
  box.setAttribute("data-label-px", String(Math.round(labelSize * network.getScale() * 10) / 10));
  box.setAttribute("data-ready", "true");
  // the embedding page learns that the map is drawn (a sandboxed frame: a message is the only way out)
  if (window.parent !== window) { window.parent.postMessage({type: "iscm-map-ready", nodes: DATA.nodes.length}, "*"); }
});
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
