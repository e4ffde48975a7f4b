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
})();
