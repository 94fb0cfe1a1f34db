/* A small map on a library's page: its province outlines and one marker, no tiles. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { attributionControl: true }).setView(point, 9);
  map.attributionControl.addAttribution("Open Development Vietnam; Talia Cao (MIT)");
  fetch(el.dataset.boundaries).then(function (r) { return r.json(); }).then(function (shapes) {
    L.geoJSON(shapes, { style: { color: "#5b6b78", weight: 1, fillColor: "#e3efe9", fillOpacity: 1 } }).addTo(map);
    L.circleMarker(point, { radius: 8, color: "#fff", weight: 2, fillColor: "#a4141e", fillOpacity: 1 }).addTo(map);
  });
}());
