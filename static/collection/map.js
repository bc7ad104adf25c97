/*
 * The incident map: the filtered incidents from the GeoJSON endpoint, as clustered points or,
 * when there are very many, as H3 hexagons coloured by count (zoom in for finer hexagons and,
 * eventually, points). Works with no tile server: a plain background with a graticule.
 *
 * Configuration comes from the JSON blob #map-config (see IncidentMapView):
 *   geojson_url  the API endpoint with the page's filters in its query string
 *   detail_url   an incident's page, with "{id}" for its id
 *   list_url     the incident list page
 *   tile_url, tile_attribution   optional tile server (Leaflet URL template)
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var element = document.getElementById("incident-map");
  var statusLine = document.getElementById("map-status");
  var RAMP = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
  var GRATICULE_STEPS = [30, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];

  // With no tile layer nothing else tells Leaflet (and markercluster) how far it may zoom.
  var map = L.map(element, { preferCanvas: true, minZoom: 2, maxZoom: 19, worldCopyJump: true });
  map.setView([20, 0], 2);
  L.control.scale({ imperial: false }).addTo(map);

  if (config.tile_url) {
    L.tileLayer(config.tile_url, { attribution: config.tile_attribution, maxZoom: 19 }).addTo(map);
  } else {
    element.classList.add("map-plain");
    map.attributionControl.addAttribution("No tile server configured: plain background");
    drawGraticuleOnMove();
  }

  var dataLayer = null;
  var legend = null;
  var everythingLoaded = false;
  var pending = null;
  var sequence = 0;
  var moveTimer = null;

  load(true);

  // --- data ----------------------------------------------------------------------------------

  // Mean edge of an H3 hexagon by resolution, in metres (h3geo.org/docs/core-library/restable).
  var H3_EDGE_M = { 4: 22606, 5: 8544, 6: 3229, 7: 1220, 8: 461, 9: 174 };

  function resolutionForZoom(zoom) {
    // The finest resolution whose hexagons are still at least ~18 pixels across here.
    var latitude = map.getCenter().lat * Math.PI / 180;
    var metresPerPixel = 40075016.686 * Math.cos(latitude) / Math.pow(2, zoom + 8);
    for (var r = 9; r > 4; r--) {
      if (H3_EDGE_M[r] / metresPerPixel >= 18) { return r; }
    }
    return 4;
  }

  function requestUrl(inView) {
    var url = new URL(config.geojson_url, window.location.origin);
    if (inView) {
      var b = map.getBounds();
      var box = [
        Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()),
        Math.min(180, b.getEast()), Math.min(90, b.getNorth())
      ];
      url.searchParams.set("bbox", box.map(function (v) { return v.toFixed(5); }).join(","));
      url.searchParams.set("resolution", String(resolutionForZoom(map.getZoom())));
    }
    return url;
  }

  function load(first) {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var mine = ++sequence;
    setStatus("Loading incidents…");
    fetch(requestUrl(!first), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: pending.signal
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error(body && body.error ? body.error.message : response.statusText);
        }
        return body;
      });
    }).then(function (collection) {
      if (mine !== sequence) { return; }
      draw(collection, first);
      if (first) { afterFirstLoad(collection); }
    }).catch(function (error) {
      if (error.name !== "AbortError") {
        setStatus("Could not load the incidents: " + (error.message || error), true);
        if (window.console) { window.console.error(error); }
      }
    });
  }

  function afterFirstLoad(collection) {
    everythingLoaded = collection.mode === "points";
    if (collection.bbox) {
      var b = collection.bbox;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [20, 20], maxZoom: 16, animate: false });
    }
    map.on("moveend", onMove);
    // Aggregated over everything: fetch again for the fitted view if it wants finer hexagons.
    if (!everythingLoaded && collection.total > 0 &&
        resolutionForZoom(map.getZoom()) !== collection.resolution) {
      load(false);
    }
  }

  function onMove() {
    if (everythingLoaded) { return; }
    window.clearTimeout(moveTimer);
    moveTimer = window.setTimeout(function () { load(false); }, 300);
  }

  // --- drawing -------------------------------------------------------------------------------

  function draw(collection, first) {
    if (dataLayer) { map.removeLayer(dataLayer); }
    if (legend) { map.removeControl(legend); legend = null; }
    if (collection.mode === "points") {
      dataLayer = pointLayer(collection.features);
    } else {
      dataLayer = cellLayer(collection.features);
      legend = cellLegend(collection.features);
      legend.addTo(map);
    }
    dataLayer.addTo(map);
    describe(collection, first);
  }

  function pointLayer(features) {
    var cluster = L.markerClusterGroup({
      chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50
    });
    cluster.addLayers(features.map(function (feature) {
      var c = feature.geometry.coordinates;
      var marker = L.circleMarker([c[1], c[0]], {
        radius: 6, color: "#6b1010", weight: 1, fillColor: "#dc3545", fillOpacity: 0.85
      });
      marker.bindPopup(function () { return incidentPopup(feature.properties); });
      return marker;
    }));
    return cluster;
  }

  function maxCount(features) {
    return features.reduce(function (m, f) { return Math.max(m, f.properties.count); }, 1);
  }

  function colourFor(count, max) {
    var t = Math.sqrt(count / max);
    return RAMP[Math.min(RAMP.length - 1, Math.floor(t * RAMP.length))];
  }

  function cellLayer(features) {
    var max = maxCount(features);
    return L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (feature) {
        return {
          color: "#7f2704", weight: 0.6, fillOpacity: 0.7,
          fillColor: colourFor(feature.properties.count, max)
        };
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return cellPopup(feature.properties); });
      }
    });
  }

  function cellLegend(features) {
    var max = maxCount(features);
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      text(box, "div", "Incidents per hexagon");
      RAMP.forEach(function (colour, i) {
        var low = Math.ceil(max * Math.pow(i / RAMP.length, 2));
        var high = Math.floor(max * Math.pow((i + 1) / RAMP.length, 2));
        var row = L.DomUtil.create("div", "", box);
        var swatch = L.DomUtil.create("i", "", row);
        swatch.style.background = colour;
        row.appendChild(document.createTextNode(Math.max(1, low) + "–" + high));
      });
      return box;
    };
    return control;
  }

  function describe(collection, first) {
    var n = collection.total.toLocaleString("en-GB");
    var where = first ? "" : " in view";
    if (collection.total === 0) {
      setStatus(first ? "No located incidents match these filters." : "No incidents in view.");
    } else if (collection.mode === "points") {
      setStatus(n + " incidents" + where + ".");
    } else {
      setStatus(n + " incidents" + where + " in " + collection.features.length.toLocaleString("en-GB") +
        " hexagons (H3 resolution " + collection.resolution + "). Zoom in for detail.");
    }
  }

  // --- popups (built from DOM nodes: record text never becomes markup) ------------------------

  function text(parent, tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) { node.className = className; }
    parent.appendChild(node);
    return node;
  }

  function incidentPopup(p) {
    var box = document.createElement("div");
    var link = text(box, "a", p.reference, "fw-semibold d-block");
    link.href = config.detail_url.replace("{id}", encodeURIComponent(p.id));
    text(box, "div", p.offence);
    text(box, "div", new Date(p.occurred_from).toLocaleString("en-GB", {
      dateStyle: "medium", timeStyle: "short"
    }), "text-muted");
    return box;
  }

  function cellPopup(p) {
    var box = document.createElement("div");
    text(box, "div", p.count.toLocaleString("en-GB") + " incidents", "fw-semibold");
    if (p.resolution >= 5) {
      var list = new URL(config.list_url, window.location.origin);
      new URL(config.geojson_url, window.location.origin).searchParams.forEach(function (v, k) {
        list.searchParams.set(k, v);
      });
      list.searchParams.set("h3_cell", p.cell);
      text(box, "a", "List them", "d-block").href = list.pathname + list.search;
    } else {
      text(box, "div", "Zoom in to list them.", "text-muted");
    }
    return box;
  }

  function setStatus(message, isError) {
    statusLine.textContent = message;
    statusLine.classList.toggle("text-danger", Boolean(isError));
    statusLine.classList.toggle("text-muted", !isError);
  }

  // --- graticule: lines of latitude and longitude when there is no background map -----------

  function drawGraticuleOnMove() {
    map.createPane("graticule");
    map.getPane("graticule").style.zIndex = 250;
    map.getPane("graticule").style.pointerEvents = "none";
    var group = L.layerGroup().addTo(map);
    function redraw() {
      group.clearLayers();
      var b = map.getBounds();
      var span = Math.min(b.getNorth() - b.getSouth(), b.getEast() - b.getWest());
      var step = GRATICULE_STEPS[GRATICULE_STEPS.length - 1];
      for (var i = 0; i < GRATICULE_STEPS.length; i++) {
        if (span / GRATICULE_STEPS[i] >= 2) { step = GRATICULE_STEPS[i]; break; }
      }
      var style = { pane: "graticule", color: "#c3cad5", weight: 1, interactive: false };
      var south = Math.max(-85, b.getSouth()), north = Math.min(85, b.getNorth());
      var digits = step < 1 ? String(step).split(".")[1].length : 0;
      for (var x = Math.ceil(b.getWest() / step); x * step <= b.getEast(); x++) {
        var lon = x * step;
        group.addLayer(L.polyline([[south, lon], [north, lon]], style));
        group.addLayer(label([north, lon], lon.toFixed(digits) + "°", [-3, -2]));
      }
      for (var y = Math.ceil(south / step); y * step <= north; y++) {
        var lat = y * step;
        group.addLayer(L.polyline([[lat, b.getWest()], [lat, b.getEast()]], style));
        group.addLayer(label([lat, b.getEast()], lat.toFixed(digits) + "°", [44, 13]));
      }
    }
    function label(latlng, value, iconAnchor) {
      var icon = L.divIcon({ className: "map-graticule-label", html: "", iconSize: null, iconAnchor: iconAnchor });
      return L.marker(latlng, { pane: "graticule", interactive: false, keyboard: false, icon: icon })
        .on("add", function (event) { event.target.getElement().textContent = value; });
    }
    map.on("moveend", redraw);
    redraw();
  }
})();
