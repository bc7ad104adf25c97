/* Leaflet set-up shared by the analysis pages. With a tile server configured (ILP_TILE_URL,
   passed in the map element's data-tile-url) the map has a base layer; without one it keeps a
   plain background, because closed police networks often have no tile server and the cells,
   areas and polygons must still be readable. */
(function () {
  "use strict";

  function createMap(element, options) {
    var map = L.map(element, Object.assign({ preferCanvas: true, zoomSnap: 0.5 }, options || {}));
    var url = element.getAttribute("data-tile-url");
    if (url) {
      L.tileLayer(url, {
        attribution: element.getAttribute("data-tile-attribution") || "",
        maxZoom: 19,
      }).addTo(map);
    } else {
      element.classList.add("map-plain");
      map.attributionControl.setPrefix("No map tiles configured");
    }
    L.control.scale({ imperial: false }).addTo(map);
    return map;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  /* A small DOM helper: el("div", {class: "x"}, ["text", child]) — text is never parsed as
     HTML, so values from the data cannot inject markup. */
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* A number for people: thousands rounded and separated, smaller values to 3 figures. */
  function number(value) {
    if (value === null || value === undefined) { return "—"; }
    return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString() : Number(value.toPrecision(3)).toString();
  }

  /* One legend row: a colour swatch (filled, or only outlined when hollow) and its label. */
  function legendRow(color, label, hollow) {
    var swatch = el("span", { "class": "legend-swatch" });
    swatch.style.background = hollow ? "transparent" : color;
    swatch.style.borderColor = color;
    return el("div", { "class": "legend-row" }, [swatch, label]);
  }

  /* Draw the job's drawn polygon (if any) as a dashed outline, then fit the map to it and to
     the given layers; with nothing to show, the whole world. Returns the outline layer. */
  function outlineAndFit(map, polygon, layers) {
    var outline = null;
    if (polygon) {
      outline = L.geoJSON(polygon, {
        style: { color: "#13294b", weight: 2, fill: false, dashArray: "6 4" }, interactive: false,
      }).addTo(map);
    }
    var bounds = null;
    layers.concat(outline ? [outline] : []).forEach(function (layer) {
      if (!layer.getLayers().length) { return; }
      bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
    });
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16] }); } else { map.setView([0, 0], 2); }
    return outline;
  }

  window.ILPAnalysisMaps = {
    createMap: createMap, readJson: readJson, el: el, number: number,
    legendRow: legendRow, outlineAndFit: outlineAndFit,
  };
})();
