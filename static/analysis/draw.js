/* A click-to-add-vertices polygon tool for Leaflet (the bundle has no leaflet-draw).
   "Draw polygon" starts; each click adds a corner; a double-click or "Finish" closes the ring
   (three corners at least); Escape abandons the drawing; "Clear polygon" removes it. The
   polygon is written to a hidden input as a GeoJSON Polygon in (longitude, latitude) order. */
(function () {
  "use strict";

  var STYLE = { color: "#13294b", weight: 2, fillColor: "#3b6fb6", fillOpacity: 0.15 };
  var SAME_POINT_PX = 6;

  function PolygonTool(map, input, ui) {
    this.map = map;
    this.input = input;
    this.ui = ui;
    this.vertices = [];
    this.drawing = false;
    this.sketch = L.layerGroup().addTo(map);
    this.shape = null;
    this.onFinish = null;
    this.onClear = null;
    map.on("click", this.click, this);
    map.on("dblclick", this.doubleClick, this);
    map.on("mousemove", this.move, this);
    this.load();
    this.refresh();
  }

  PolygonTool.prototype.start = function () {
    this.clear();
    this.drawing = true;
    this.map.doubleClickZoom.disable();
    this.map.getContainer().classList.add("drawing");
    this.say("Click each corner; double-click the last one or press Finish.");
    this.refresh();
  };

  PolygonTool.prototype.click = function (event) {
    if (!this.drawing) { return; }
    var last = this.vertices[this.vertices.length - 1];
    // A double-click arrives as two clicks first: do not add the same corner twice.
    if (last && this.map.latLngToContainerPoint(last).distanceTo(event.containerPoint) < SAME_POINT_PX) {
      return;
    }
    this.vertices.push(event.latlng);
    this.drawSketch(null);
    this.refresh();
  };

  PolygonTool.prototype.doubleClick = function (event) {
    if (!this.drawing) { return; }
    L.DomEvent.stop(event);
    this.finish();
  };

  PolygonTool.prototype.move = function (event) {
    if (this.drawing && this.vertices.length) { this.drawSketch(event.latlng); }
  };

  PolygonTool.prototype.drawSketch = function (cursor) {
    this.sketch.clearLayers();
    var points = cursor ? this.vertices.concat([cursor]) : this.vertices;
    if (points.length > 1) {
      L.polyline(points, { color: STYLE.color, weight: 2, dashArray: "4 4", interactive: false })
        .addTo(this.sketch);
    }
    this.vertices.forEach(function (vertex) {
      L.circleMarker(vertex, { radius: 4, color: STYLE.color, fillOpacity: 1, interactive: false })
        .addTo(this.sketch);
    }, this);
  };

  PolygonTool.prototype.finish = function () {
    if (!this.drawing) { return; }
    if (this.vertices.length < 3) {
      this.say("A polygon needs at least three corners.");
      return;
    }
    this.stop();
    var ring = this.vertices.map(function (v) { return [round(v.lng), round(v.lat)]; });
    ring.push(ring[0]);
    this.input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    this.vertices = [];
    this.sketch.clearLayers();
    this.show();
    this.say("Polygon drawn: only incidents inside it are analysed.");
    if (this.onFinish) { this.onFinish(); }
    this.refresh();
  };

  PolygonTool.prototype.stop = function () {
    this.drawing = false;
    this.map.doubleClickZoom.enable();
    this.map.getContainer().classList.remove("drawing");
  };

  PolygonTool.prototype.abandon = function () {
    if (!this.drawing) { return; }
    this.stop();
    this.vertices = [];
    this.sketch.clearLayers();
    this.say("Drawing abandoned.");
    this.refresh();
  };

  PolygonTool.prototype.clear = function () {
    this.stop();
    this.vertices = [];
    this.sketch.clearLayers();
    if (this.shape) { this.map.removeLayer(this.shape); this.shape = null; }
    var had = Boolean(this.input.value);
    this.input.value = "";
    if (had && this.onClear) { this.onClear(); }
    this.say("");
    this.refresh();
  };

  /* Show the polygon in the hidden input (after a refused submission, or a rerun). */
  PolygonTool.prototype.load = function () {
    if (!this.input.value) { return; }
    try {
      this.show();
      this.map.fitBounds(this.shape.getBounds(), { padding: [20, 20] });
    } catch (error) {
      this.say("The polygon could not be shown; draw it again.");
    }
  };

  PolygonTool.prototype.show = function () {
    if (this.shape) { this.map.removeLayer(this.shape); }
    this.shape = L.geoJSON(JSON.parse(this.input.value), { style: STYLE }).addTo(this.map);
  };

  PolygonTool.prototype.say = function (text) {
    if (this.ui.status) { this.ui.status.textContent = text; }
  };

  PolygonTool.prototype.refresh = function () {
    if (this.ui.start) { this.ui.start.disabled = this.drawing; }
    if (this.ui.finish) { this.ui.finish.disabled = !this.drawing || this.vertices.length < 3; }
    if (this.ui.clear) { this.ui.clear.disabled = !this.drawing && !this.input.value; }
  };

  function round(value) { return Math.round(value * 1e7) / 1e7; }

  /* Wire the tool to a map and buttons marked data-draw="start|finish|clear|status". */
  function attach(map, input, root) {
    var find = function (name) { return root.querySelector('[data-draw="' + name + '"]'); };
    var tool = new PolygonTool(map, input, {
      start: find("start"), finish: find("finish"), clear: find("clear"), status: find("status"),
    });
    if (tool.ui.start) { tool.ui.start.addEventListener("click", function () { tool.start(); }); }
    if (tool.ui.finish) { tool.ui.finish.addEventListener("click", function () { tool.finish(); }); }
    if (tool.ui.clear) { tool.ui.clear.addEventListener("click", function () { tool.clear(); }); }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { tool.abandon(); }
    });
    return tool;
  }

  window.ILPPolygonTool = { attach: attach };
})();
