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

  window.ILPAnalysisMaps = { createMap: createMap, readJson: readJson, el: el };
})();
