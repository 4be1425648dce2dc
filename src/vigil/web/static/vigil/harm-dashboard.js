// Draws the harm and volume charts from the figures the page carries as JSON.
// Vega's expression interpreter is used so that no code is built from strings:
// the content security policy allows no eval.
(function () {
  "use strict";
  var source = document.getElementById("harm-data");
  if (!source || !window.vegaEmbed) { return; }
  var data = JSON.parse(source.textContent);
  var options = {
    actions: false,
    renderer: "svg",
    defaultStyle: false,
    ast: true,
    expr: window.vega.expressionInterpreter,
    tooltip: false
  };
  var font = { config: { font: "\"GDS Transport\", arial, sans-serif", axis: { labelFontSize: 14, titleFontSize: 16 }, legend: { labelFontSize: 14, titleFontSize: 16 } } };

  var shares = [];
  data.years.forEach(function (year) {
    if (year.volume_share !== null) { shares.push({ year: year.year, measure: "Share of records actioned", share: year.volume_share }); }
    if (year.harm_share !== null) { shares.push({ year: year.year, measure: "Share of harm actioned", share: year.harm_share }); }
  });
  window.vegaEmbed("#share-chart", Object.assign({
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: "container",
    height: 280,
    data: { values: shares },
    mark: { type: "line", point: true, strokeWidth: 3 },
    encoding: {
      x: { field: "year", type: "ordinal", title: "Year" },
      y: { field: "share", type: "quantitative", title: "Share actioned", axis: { format: "%" }, scale: { domain: [0, 1] } },
      color: { field: "measure", type: "nominal", title: null, scale: { range: ["#1d70b8", "#d4351c"] } },
      strokeDash: { field: "measure", type: "nominal", legend: null }
    }
  }, font), options);

  window.vegaEmbed("#harm-chart", Object.assign({
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: "container",
    height: 320,
    data: { values: data.rows },
    mark: "bar",
    encoding: {
      x: { field: "year", type: "ordinal", title: "Year" },
      y: { aggregate: "sum", field: "harm", type: "quantitative", title: "Harm (days of imprisonment)" },
      color: { field: "group", type: "nominal", title: "Offence group", scale: { scheme: "tableau10" } }
    }
  }, font), options);
}());
