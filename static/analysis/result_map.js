/* The result map of a kernel density or Gi* job: the cells the server sent (polygons in
   json_script "result-data"), coloured by density or by hot/cold significance, with a legend. */
(function () {
  "use strict";

  var maps = window.ILPAnalysisMaps;
  var data = maps.readJson("result-data");
  var node = document.getElementById("result-map");
  if (!data || !node || !window.L) { return; }
  var el = maps.el;
  var number = maps.number;
  var row = maps.legendRow;

  // Yellow-orange-red, light to dark: a sequential ramp readable on a plain background.
  var RAMP = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"];
  var GISTAR = {
    hot99: { color: "#b2182b", label: "Hot spot, q < 0.01" },
    hot95: { color: "#ef8a62", label: "Hot spot, q < ALPHA" },
    cold95: { color: "#67a9cf", label: "Cold spot, q < ALPHA" },
    cold99: { color: "#2166ac", label: "Cold spot, q < 0.01" },
    none: { color: "#9e9e9e", label: "Not significant (has incidents)" },
  };

  var map = maps.createMap(node);
  var layer = L.featureGroup().addTo(map);
  // A handle for end-to-end tests and the browser console.
  node.ilpResult = { map: map, cells: layer };

  /* Classes on a square-root scale: one very dense cell would otherwise leave every other
     hotspot in the palest class. Class i covers max * (i/n)² to max * ((i+1)/n)². */
  function kdeShare(density) {
    return data.max > 0 ? Math.sqrt(Math.max(0, density) / data.max) : 0;
  }

  function kdeStyle(cell) {
    var t = kdeShare(cell.density);
    var index = Math.min(RAMP.length - 1, Math.floor(t * RAMP.length));
    var opacity = 0.35 + 0.5 * t;
    // A hairline of the fill colour keeps small cells visible when zoomed out.
    return { color: RAMP[index], weight: 1, opacity: opacity, fillColor: RAMP[index], fillOpacity: opacity };
  }

  function gistarClass(cell) {
    if (cell["class"] === "hot") { return cell.q < 0.01 ? "hot99" : "hot95"; }
    if (cell["class"] === "cold") { return cell.q < 0.01 ? "cold99" : "cold95"; }
    return "none";
  }

  function gistarStyle(cell) {
    var kind = gistarClass(cell);
    if (kind === "none") {
      return { color: GISTAR.none.color, weight: 1, fillColor: GISTAR.none.color, fillOpacity: 0.08 };
    }
    return { color: GISTAR[kind].color, weight: 1, fillColor: GISTAR[kind].color, fillOpacity: 0.7 };
  }

  data.cells.forEach(function (cell) {
    var style = data.kind === "kde" ? kdeStyle(cell) : gistarStyle(cell);
    var shape = L.polygon(cell.ring, style);
    var text = data.kind === "kde"
      ? number(cell.density) + " " + data.unit
      : cell.count + " incident(s) · z " + number(cell.z) + " · p " + number(cell.p) + " · q " + number(cell.q);
    shape.bindTooltip(text, { sticky: true });
    shape.addTo(layer);
  });

  maps.outlineAndFit(map, data.polygon, [layer]);

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var box = el("div", { "class": "map-legend", "data-testid": "map-legend" });
    if (data.kind === "kde") {
      box.appendChild(el("h3", {}, ["Density (" + data.unit + ")"]));
      RAMP.forEach(function (color, i) {
        var low = data.max * Math.pow(i / RAMP.length, 2);
        var high = data.max * Math.pow((i + 1) / RAMP.length, 2);
        box.appendChild(row(color, number(low) + " – " + number(high)));
      });
    } else {
      box.appendChild(el("h3", {}, ["Gi* hot and cold spots"]));
      ["hot99", "hot95", "cold95", "cold99"].forEach(function (key) {
        box.appendChild(row(GISTAR[key].color, GISTAR[key].label.replace("ALPHA", data.alpha)));
      });
      box.appendChild(row(GISTAR.none.color, GISTAR.none.label, true));
      box.appendChild(el("div", { "class": "legend-note" }, ["q: false discovery rate (Benjamini–Hochberg)"]));
    }
    if (data.stored > data.cells.length) {
      box.appendChild(el("div", { "class": "legend-note" }, [
        "Showing " + data.cells.length.toLocaleString() + " of " + data.stored.toLocaleString() + " cells",
      ]));
    }
    if (data.polygon) {
      box.appendChild(row("#13294b", "Drawn area", true));
    }
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
})();
