/* Library map: province boundaries shipped with the app (no tile server), a choropleth of
   library counts, and one marker per library with coordinates. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { zoomSnap: 0.25, minZoom: 4, maxZoom: 14, attributionControl: true })
    .setView([16.0, 106.0], 5.5);
  map.attributionControl.addAttribution("Ranh giới: Open Development Vietnam; Talia Cao (MIT)");
  var status = document.getElementById("map-status");
  var libraryUrl = el.dataset.libraryUrl;
  var word = el.dataset.labelLibraries || "libraries";

  function colour(n, max) {
    if (!n) { return "#f1f4f6"; }
    var steps = ["#d7eee6", "#a8dcc9", "#6fc1a5", "#37a07f", "#0b5d4b"];
    var i = Math.min(steps.length - 1, Math.floor((n / Math.max(1, max)) * steps.length));
    return steps[i];
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  Promise.all([
    fetch(el.dataset.boundaries).then(function (r) { return r.json(); }),
    fetch(el.dataset.points).then(function (r) { return r.json(); })
  ]).then(function (all) {
    var shapes = all[0], data = all[1], counts = data.province_counts || {};
    var max = Math.max.apply(null, [1].concat(Object.values(counts)));
    var layer = L.geoJSON(shapes, {
      style: function (f) {
        return { color: "#5b6b78", weight: 1, fillOpacity: 0.85,
                 fillColor: colour(counts[f.properties.code] || 0, max) };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(escapeHtml(f.properties.name) + ": " + (counts[f.properties.code] || 0) + " " + word);
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    data.points.forEach(function (p) {
      L.circleMarker([p[2], p[3]], { radius: 5, color: "#ffffff", weight: 1, fillColor: "#a4141e", fillOpacity: 0.9 })
        .bindPopup('<a href="' + libraryUrl.replace("VN-00000000", encodeURIComponent(p[0])) + '">' + escapeHtml(p[1]) + "</a>")
        .addTo(map);
    });
    status.textContent = data.total + " " + word + " · " + data.points.length + " / " + data.total;
  }).catch(function (e) { status.textContent = String(e); });
}());
