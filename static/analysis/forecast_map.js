/* The result map of a hotspot forecast: the forecast cells the server sent (json_script
   "result-data"). A scored forecast colours each cell by whether incidents of the held-out
   period fell in it and outlines the busiest cells it missed; a forecast of the next period
   shades its cells by score. */
(function () {
  "use strict";

  var maps = window.ILPAnalysisMaps;
  var data = maps.readJson("result-data");
  var node = document.getElementById("result-map");
  if (!data || !node || !window.L) { return; }
  var el = maps.el;
  var number = maps.number;
  var row = maps.legendRow;

  var HIT = "#d7301f";
  var EMPTY = "#fdcc8a";
  var MISSED = "#2166ac";
  // Light to dark orange: higher forecast score, darker cell.
  var RAMP = ["#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"];

  var map = maps.createMap(node);
  var layer = L.featureGroup().addTo(map);
  var missedLayer = L.featureGroup().addTo(map);
  // A handle for end-to-end tests and the browser console.
  node.ilpResult = { map: map, cells: layer, missed: missedLayer };

  var top = data.cells.reduce(function (best, cell) { return Math.max(best, cell.score || 0); }, 0);

  function style(cell) {
    if (data.evaluate) {
      var color = cell.observed > 0 ? HIT : EMPTY;
      return { color: color, weight: 1, fillColor: color, fillOpacity: 0.7 };
    }
    var share = top > 0 ? (cell.score || 0) / top : 0;
    var index = Math.min(RAMP.length - 1, Math.floor(share * RAMP.length));
    return { color: RAMP[index], weight: 1, fillColor: RAMP[index], fillOpacity: 0.75 };
  }

  data.cells.forEach(function (cell) {
    var text = "Rank " + cell.rank + " · score " + number(cell.score) + " (" + data.score_unit + ")";
    if (data.evaluate) { text += " · " + cell.observed + " incident(s) in the held-out period"; }
    L.polygon(cell.ring, style(cell)).bindTooltip(text, { sticky: true }).addTo(layer);
  });
  data.missed.forEach(function (cell) {
    L.polygon(cell.ring, { color: MISSED, weight: 2, fill: false })
      .bindTooltip("Not forecast · " + cell.observed + " incident(s) in the held-out period", { sticky: true })
      .addTo(missedLayer);
  });

  maps.outlineAndFit(map, data.polygon, [layer, missedLayer]);

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var box = el("div", { "class": "map-legend", "data-testid": "map-legend" });
    if (data.evaluate) {
      box.appendChild(el("h3", {}, ["Forecast against the held-out period"]));
      box.appendChild(row(HIT, "Forecast cell with incidents"));
      box.appendChild(row(EMPTY, "Forecast cell without incidents"));
      if (data.missed.length) { box.appendChild(row(MISSED, "Busy cell the forecast missed", true)); }
    } else {
      box.appendChild(el("h3", {}, ["Forecast score (" + data.score_unit + ")"]));
      RAMP.forEach(function (color, i) {
        box.appendChild(row(color, number(top * i / RAMP.length) + " – " + number(top * (i + 1) / RAMP.length)));
      });
    }
    if (data.polygon) { box.appendChild(row("#13294b", "Drawn area", true)); }
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
})();
