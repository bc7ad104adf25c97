/* The "New analysis" form: show the chosen kind's parameters (and fields that depend on
   another field's value), send the browser's time zone with the period, and draw the area. */
(function () {
  "use strict";

  var form = document.getElementById("job-form");
  if (!form) { return; }

  function showChosenKind() {
    var kind = form.querySelector('[name="kind"]');
    form.querySelectorAll("[data-kind-params]").forEach(function (fieldset) {
      fieldset.hidden = kind && fieldset.getAttribute("data-kind-params") !== kind.value;
    });
  }

  /* data-show-when="name=value1|value2": shown only while that field has one of the values. */
  function showDependentFields() {
    form.querySelectorAll("[data-show-when]").forEach(function (node) {
      var parts = node.getAttribute("data-show-when").split("=");
      var input = form.querySelector('[name="' + parts[0] + '"]');
      if (input) { node.hidden = parts[1].split("|").indexOf(input.value) < 0; }
    });
  }

  function refresh() { showChosenKind(); showDependentFields(); }
  form.addEventListener("change", refresh);
  refresh();

  // The period is typed in the user's local time; the server reads it in this zone.
  var zone = form.querySelector('[name="time_zone"]');
  try {
    var name = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && name) { zone.value = name; }
  } catch (error) { /* the server's zone is used */ }

  var mapNode = document.getElementById("draw-map");
  var polygon = form.querySelector('[name="polygon"]');
  if (!mapNode || !polygon || !window.L) { return; }
  var maps = window.ILPAnalysisMaps;
  var map = maps.createMap(mapNode, { doubleClickZoom: true });
  var bounds = maps.readJson("draw-map-bounds");
  if (bounds) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
  } else {
    map.setView([51.5, -0.12], 10);
  }
  showIncidents(map, mapNode.getAttribute("data-incidents-url"));
  var tool = window.ILPPolygonTool.attach(map, polygon, form);
  var area = form.querySelector('[name="area"]');
  if (area) {
    // An area and a drawn polygon exclude each other: choosing one clears the other.
    tool.onFinish = function () { area.value = ""; };
    area.addEventListener("change", function () {
      if (area.value && polygon.value) {
        tool.clear();
        tool.say("Polygon cleared: the chosen area is used instead.");
      }
    });
  }

  /* The incidents the user may see (collection's map layer: points, or H3 cells with counts
     when there are many), drawn faintly and not clickable, so the polygon can be drawn around
     them even with no map tiles. */
  function showIncidents(target, url) {
    if (!url || !window.fetch) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (collection) {
        if (!collection || !collection.features || !collection.features.length) { return; }
        var most = 1;
        collection.features.forEach(function (f) {
          most = Math.max(most, (f.properties && f.properties.count) || 1);
        });
        L.geoJSON(collection, {
          interactive: false,
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 2, stroke: false, fillColor: "#5a6675", fillOpacity: 0.55, interactive: false,
            });
          },
          style: function (feature) {
            var share = ((feature.properties && feature.properties.count) || 1) / most;
            return { color: "#5a6675", weight: 0.5, fillColor: "#5a6675", fillOpacity: 0.1 + 0.5 * share };
          },
        }).addTo(target);
        var note = form.querySelector("[data-incidents-note]");
        if (note) { note.hidden = false; }
      })
      .catch(function () { /* orientation only: the form works without it */ });
  }
})();
