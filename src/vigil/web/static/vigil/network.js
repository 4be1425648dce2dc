// Draws a network (entity or community) with Cytoscape.js from its JSON endpoint.
// The page also gives the same data as a table: the picture is for sighted
// mouse users, the table for everyone.
(function () {
  "use strict";

  // GOV.UK colours, one per entity type, and a shape so colour is not the only cue.
  var LOOK = {
    person: { colour: "#1d70b8", shape: "ellipse" },
    vehicle: { colour: "#00703c", shape: "round-rectangle" },
    phone: { colour: "#4c2c92", shape: "diamond" },
    address: { colour: "#b58840", shape: "hexagon" },
    organisation: { colour: "#505a5f", shape: "rectangle" }
  };

  function style() {
    var rules = [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-family": "arial, sans-serif",
          "font-size": 12,
          color: "#0b0c0c",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-wrap": "ellipsis",
          "text-max-width": 140,
          width: 22,
          height: 22,
          "background-color": "#505a5f"
        }
      },
      {
        selector: "node[?centre]",
        style: { width: 36, height: 36, "border-width": 4, "border-color": "#ffdd00", "font-weight": "bold" }
      },
      {
        selector: "edge",
        style: {
          width: "mapData(records, 1, 10, 1, 8)",
          "line-color": "#b1b4b6",
          "curve-style": "haystack"
        }
      }
    ];
    Object.keys(LOOK).forEach(function (type) {
      rules.push({
        selector: 'node[type = "' + type + '"]',
        style: { "background-color": LOOK[type].colour, shape: LOOK[type].shape }
      });
    });
    return rules;
  }

  function draw(container) {
    var status = document.getElementById(container.id + "-status");
    var say = function (text) { if (status) { status.textContent = text; } };
    say("Loading the network…");
    fetch(container.getAttribute("data-network-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        var elements = data.nodes.map(function (n) { return { data: n }; }).concat(
          data.edges.map(function (e, i) {
            return { data: { id: "e" + i, source: e.source, target: e.target, records: e.records } };
          })
        );
        var cy = window.cytoscape({
          container: container,
          elements: elements,
          style: style(),
          layout: {
            name: "cose", animate: false, randomize: false, padding: 20,
            nodeDimensionsIncludeLabels: true, nodeRepulsion: 400000, idealEdgeLength: 80
          },
          wheelSensitivity: 0.2,
          minZoom: 0.3,
          maxZoom: 3
        });
        var profile = container.getAttribute("data-profile-url");
        if (profile) {
          cy.on("tap", "node", function (event) {
            var id = event.target.id();
            if (!event.target.data("centre")) {
              window.location.href = profile.replace("ENTITY", encodeURIComponent(id));
            }
          });
        }
        var count = function (n, one, many) { return n + " " + (n === 1 ? one : many); };
        var text = count(data.nodes.length, "entity", "entities") + " and " +
          count(data.edges.length, "link", "links") + " shown.";
        if (data.more) { text += " " + count(data.more, "more linked entity is", "more linked entities are") + " in the table only."; }
        if (data.withheld) { text += " " + count(data.withheld, "record", "records") + " withheld."; }
        say(text);
      })
      .catch(function () {
        say("The network picture could not be drawn. The table gives the same information.");
      });
  }

  // Cytoscape injects an inline <style> unless an element with this id exists;
  // the same rule comes from a file instead, as the content security policy wants.
  function provideContainerStyle(href) {
    var id = "__________cytoscape_stylesheet";
    if (document.getElementById(id)) { return; }
    var link = document.createElement("link");
    link.id = id;
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  var containers = document.querySelectorAll("[data-network-url]");
  if (containers.length) {
    provideContainerStyle(containers[0].getAttribute("data-container-css"));
    containers.forEach(draw);
  }
})();
