// Interval charts drawn as SVG from JSON: one line per series, no library.
function lineChart(el, labels, series) {
  const W = 600, H = 160, P = 30, ns = "http://www.w3.org/2000/svg";
  let max = 1;
  series.forEach(s => s.values.forEach(v => { if (v != null && v > max) max = v; }));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", W); svg.setAttribute("height", H);
  series.forEach(s => {
    const pts = s.values.map((v, i) => v == null ? null :
      (P + i * (W - 2 * P) / Math.max(1, labels.length - 1)) + "," + (H - P - v / max * (H - 2 * P))).filter(p => p);
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", pts.join(" ")); line.setAttribute("fill", "none");
    line.setAttribute("stroke", s.colour); svg.appendChild(line);
  });
  const legend = document.createElementNS(ns, "text");
  legend.setAttribute("x", P); legend.setAttribute("y", 12); legend.setAttribute("fill", "#ccc");
  legend.textContent = series.map(s => s.name).join(" / ") + " (max " + Math.round(max) + ")";
  svg.appendChild(legend);
  el.replaceChildren(svg);
}
