/* The link chart of a co-offending network job, drawn with Cytoscape.js: the first chart comes
   in json_script "network-chart-data"; choosing a person and a number of steps asks the job's
   network view (data-url) for that person's ego network. Node size: degree; colour: community;
   dark outline: broker; diamond: the chosen person; edge width: weight; dashed: reports only. */
(function () {
  "use strict";

  var container = document.getElementById("network-chart");
  var source = document.getElementById("network-chart-data");
  if (!container || !source || !window.cytoscape) { return; }

  var url = container.getAttribute("data-url");
  var status = document.getElementById("network-chart-status");
  var legend = document.getElementById("network-chart-legend");
  var details = document.getElementById("network-chart-details");
  var form = document.getElementById("network-chart-form");
  var picker = document.getElementById("network-person");
  var filter = document.getElementById("network-person-filter");
  var steps = document.getElementById("network-steps");
  var whole = document.getElementById("network-whole");
  var current = null;

  var cy = window.cytoscape({
    container: container,
    elements: [],
    minZoom: 0.1,
    maxZoom: 4,
    style: [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          width: "data(size)",
          height: "data(size)",
          label: "data(label)",
          "font-size": 10,
          color: "#212529",
          "text-valign": "bottom",
          "text-margin-y": 3,
          "text-wrap": "ellipsis",
          "text-max-width": "130px",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.7,
          "text-background-padding": "1px",
          "min-zoomed-font-size": 7,
          "border-width": 1,
          "border-color": "#ffffff",
        },
      },
      { selector: "node[?broker]", style: { "border-width": 4, "border-color": "#212529" } },
      { selector: "node[?focus]", style: { shape: "diamond" } },
      { selector: "node:selected", style: { "overlay-color": "#0d6efd", "overlay-opacity": 0.3, "overlay-padding": 4 } },
      {
        selector: "edge",
        style: { width: "data(width)", "line-color": "#8a94a6", opacity: 0.8, "curve-style": "straight" },
      },
      { selector: "edge[?reportsOnly]", style: { "line-style": "dashed" } },
    ],
  });
  // A handle for end-to-end tests and the browser console.
  container.ilpNetwork = cy;

  function number(value) {
    if (value === null || value === undefined) { return "—"; }
    return Number(Number(value).toPrecision(3)).toString();
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function elements(payload) {
    var maxDegree = 1;
    var maxWeight = 1;
    payload.nodes.forEach(function (n) { maxDegree = Math.max(maxDegree, n.degree); });
    payload.edges.forEach(function (e) { maxWeight = Math.max(maxWeight, e.weight); });
    var count = Math.max(1, payload.nodes.length);
    var radius = 40 * Math.sqrt(count);
    var nodes = payload.nodes.map(function (n, i) {
      // Start on a circle (the force layout then moves people apart): the same start, the
      // same picture every time, unlike random starting positions.
      var angle = 2 * Math.PI * i / count;
      return {
        group: "nodes",
        position: { x: radius * Math.cos(angle), y: radius * Math.sin(angle) },
        data: {
          id: n.id,
          label: n.label,
          size: 16 + 30 * Math.sqrt(n.degree / maxDegree),
          colour: n.colour,
          broker: n.broker,
          focus: payload.person !== null && n.person === payload.person,
          hops: n.hops === null ? 0 : n.hops,
          info: n,
        },
      };
    });
    var edges = payload.edges.map(function (e) {
      return {
        group: "edges",
        data: {
          id: "e" + e.id,
          source: String(e.source),
          target: String(e.target),
          width: 1 + (maxWeight > 1 ? 6 * (e.weight - 1) / (maxWeight - 1) : 0),
          reportsOnly: e.shared_incidents === 0,
          info: e,
        },
      };
    });
    return nodes.concat(edges);
  }

  function layout(payload) {
    if (payload.person !== null) {
      // An ego network in rings: the chosen person in the middle, one ring per step out.
      var deepest = payload.steps || 1;
      return {
        name: "concentric",
        animate: false,
        concentric: function (node) { return deepest - node.data("hops"); },
        levelWidth: function () { return 1; },
        minNodeSpacing: 12,
        padding: 20,
      };
    }
    return { name: "cose", animate: false, randomize: false, padding: 20, nodeRepulsion: function () { return 8000; } };
  }

  function label(payload) {
    var chosen = payload.nodes.filter(function (n) { return n.person === payload.person; })[0];
    var counts = payload.nodes.length + " " + (payload.nodes.length === 1 ? "person" : "people") +
      " and " + payload.edges.length + " " + (payload.edges.length === 1 ? "link" : "links");
    var text = payload.person === null
      ? "Showing the key people: " + counts + "."
      : "Showing " + counts + " within " + payload.steps + " " + (payload.steps === 1 ? "step" : "steps") +
        " of " + (chosen ? chosen.label : "Person #" + payload.person) + ".";
    if (payload.truncated) {
      text += " " + payload.reached + " people are within reach; the " + payload.nodes.length +
        " nearest are drawn.";
    }
    return text;
  }

  function drawLegend(payload) {
    legend.textContent = "";
    payload.legend.forEach(function (entry) {
      var item = el("li");
      var swatch = el("span", null, { "aria-hidden": "true", class: "d-inline-block rounded-circle align-middle me-1" });
      swatch.style.width = "0.8em";
      swatch.style.height = "0.8em";
      swatch.style.background = entry.colour;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(
        entry.community === null ? "Communities 11 and later" : "Community " + entry.community));
      legend.appendChild(item);
    });
  }

  function showDetails(info) {
    details.textContent = "";
    var title = el("p", null, { class: "fw-semibold mb-1" });
    if (info.url) {
      title.appendChild(el("a", info.label, { href: info.url }));
    } else {
      title.appendChild(document.createTextNode(info.label + " (not visible to you)"));
    }
    details.appendChild(title);
    var list = el("dl", null, { class: "row mb-1" });
    [
      ["Degree", info.degree],
      ["Weighted degree", info.weighted_degree],
      ["Betweenness", number(info.betweenness)],
      ["Eigenvector", number(info.eigenvector)],
      ["Community", info.community],
      ["Broker", info.broker ? "Yes" : "No"],
      ["Steps from chosen", info.hops === null ? "—" : info.hops],
    ].forEach(function (pair) {
      list.appendChild(el("dt", pair[0], { class: "col-7 fw-normal text-muted" }));
      list.appendChild(el("dd", String(pair[1]), { class: "col-5 mb-0" }));
    });
    details.appendChild(list);
    var centre = el("button", "Draw this person's network", { type: "button", class: "btn btn-sm btn-outline-primary" });
    centre.addEventListener("click", function () { request(info.person, steps.value); });
    details.appendChild(centre);
  }

  function draw(payload) {
    current = payload;
    cy.elements().remove();
    cy.add(elements(payload));
    cy.layout(layout(payload)).run();
    cy.fit(undefined, 20);
    // A handful of people would otherwise fill the whole frame.
    if (cy.zoom() > 1.5) {
      cy.zoom(1.5);
      cy.center();
    }
    status.textContent = label(payload);
    drawLegend(payload);
    if (payload.person !== null) {
      picker.value = String(payload.person);
      steps.value = String(payload.steps);
    }
    container.setAttribute("data-drawn", payload.person === null ? "whole" : String(payload.person));
  }

  function request(person, n) {
    var query = person === null ? "" : "?person=" + encodeURIComponent(person) + "&steps=" + encodeURIComponent(n);
    status.textContent = "Drawing…";
    fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.error ? JSON.stringify(body.error) : response.statusText); }
          return body;
        });
      })
      .then(draw)
      .catch(function (error) { status.textContent = "The chart could not be drawn: " + error.message; });
  }

  cy.on("tap", "node", function (event) { showDetails(event.target.data("info")); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (picker.value) { request(picker.value, steps.value); }
  });
  whole.addEventListener("click", function () { request(null, null); });
  filter.addEventListener("input", function () {
    var text = filter.value.trim().toLowerCase();
    var first = null;
    Array.prototype.forEach.call(picker.options, function (option) {
      var match = !text || option.textContent.toLowerCase().indexOf(text) >= 0 || option.value === text;
      option.hidden = !match;
      if (match && first === null) { first = option; }
    });
    if (first && picker.selectedOptions[0] && picker.selectedOptions[0].hidden) { picker.value = first.value; }
  });
  document.querySelectorAll("[data-network-person]").forEach(function (button) {
    button.addEventListener("click", function () {
      request(button.getAttribute("data-network-person"), steps.value);
      container.scrollIntoView({ behavior: "smooth", block: "center" });
    });
  });

  draw(JSON.parse(source.textContent));
  window.ILPNetworkChart = { draw: draw, request: request, current: function () { return current; } };
})();
