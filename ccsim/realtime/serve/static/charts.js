// Interval charts drawn as SVG from JSON, no library: axes with interval start times and
// values, one line per series told apart by colour and dash, a legend naming each series.
// Presentation attributes only (no style attributes: the page's CSP allows none inline).
const SVG_NS = "http://www.w3.org/2000/svg";
const SERIES_STYLE = {  // colour and dash per kind of series, the same in every chart
  forecast: {colour: "#bdbdbd", dash: "7 4"},
  actual: {colour: "#4fc3f7", dash: ""},
  simulated: {colour: "#ffb74d", dash: "2 3"},
  target: {colour: "#e57373", dash: "10 3 2 3"},
};

function svgEl(name, attrs, text) {
  const el = document.createElementNS(SVG_NS, name);
  Object.entries(attrs || {}).forEach(([k, v]) => el.setAttribute(k, v));
  if (text != null) el.textContent = text;
  return el;
}

// A round step (1, 2 or 5 times a power of ten) giving at most five steps up to v.
function niceStep(v) {
  if (!(v > 0)) return 1;
  const rough = v / 5, p = Math.pow(10, Math.floor(Math.log10(rough)));
  for (const m of [1, 2, 5, 10]) if (m * p >= rough) return m * p;
  return 10 * p;
}

function tickText(v, unit) {
  if (unit === "%") return Math.round(v * 100) + "%";
  return Math.abs(v) >= 10 || v === 0 ? String(Math.round(v)) : v.toFixed(1);
}

// el: the container; spec: {title, unit ("" or "%"), max (optional fixed top), labels: interval
// starts, series: [{name, kind (forecast, actual, simulated, target), values: [number or null]}]}.
function lineChart(el, spec) {
  const W = 640, H = 210, L = 46, R = 12, T = 40, B = 30;
  const labels = spec.labels, n = labels.length;
  let top = 0;
  spec.series.forEach(s => s.values.forEach(v => { if (v != null && v > top) top = v; }));
  const step = spec.max != null ? spec.max / 4 : niceStep(top);
  top = spec.max != null ? spec.max : Math.max(step, Math.ceil(top / step - 1e-9) * step);
  const steps = Math.round(top / step);
  const x = i => L + (n > 1 ? i * (W - L - R) / (n - 1) : (W - L - R) / 2);
  const y = v => H - B - Math.min(v, top) / top * (H - T - B);
  const svg = svgEl("svg", {width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": spec.title, "data-title": spec.title});
  svg.appendChild(svgEl("text", {x: L, y: 13, fill: "#eee", "font-size": 13}, spec.title));
  // Value axis: round steps from 0 to the top, with grid lines.
  for (let j = 0; j <= steps; j++) {
    const v = step * j, yy = y(v);
    svg.appendChild(svgEl("line", {x1: L, x2: W - R, y1: yy, y2: yy, stroke: j ? "#333" : "#888"}));
    svg.appendChild(svgEl("text", {x: L - 4, y: yy + 4, fill: "#bbb", "font-size": 10, "text-anchor": "end",
      class: "ytick"}, tickText(v, spec.unit)));
  }
  // Time axis: interval starts, about eight of them.
  const every = Math.max(1, Math.ceil(n / 8));
  svg.appendChild(svgEl("line", {x1: L, x2: L, y1: T - 4, y2: H - B, stroke: "#888"}));
  for (let i = 0; i < n; i += every) {
    svg.appendChild(svgEl("line", {x1: x(i), x2: x(i), y1: H - B, y2: H - B + 4, stroke: "#888"}));
    svg.appendChild(svgEl("text", {x: x(i), y: H - B + 16, fill: "#bbb", "font-size": 10, "text-anchor": "middle",
      class: "xtick"}, labels[i]));
  }
  // Series: a polyline per run of values without a gap.
  spec.series.forEach(s => {
    const style = SERIES_STYLE[s.kind] || SERIES_STYLE.actual;
    let run = [];
    const flush = () => {
      if (run.length === 1) {
        const [px, py] = run[0].split(",");
        svg.appendChild(svgEl("circle", {cx: px, cy: py, r: 2.5, fill: style.colour, "data-series": s.kind}));
      } else if (run.length > 1) {
        svg.appendChild(svgEl("polyline", {points: run.join(" "), fill: "none", stroke: style.colour,
          "stroke-width": 2, "stroke-dasharray": style.dash, "data-series": s.kind}));
      }
      run = [];
    };
    s.values.forEach((v, i) => { if (v == null) flush(); else run.push(x(i).toFixed(1) + "," + y(v).toFixed(1)); });
    flush();
  });
  // Legend: a sample of each line (its colour and dash) and its name.
  let lx = L;
  spec.series.forEach(s => {
    const style = SERIES_STYLE[s.kind] || SERIES_STYLE.actual;
    const g = svgEl("g", {class: "legend-item", "data-series": s.kind});
    g.appendChild(svgEl("line", {x1: lx, x2: lx + 26, y1: 26, y2: 26, stroke: style.colour, "stroke-width": 2,
      "stroke-dasharray": style.dash}));
    g.appendChild(svgEl("text", {x: lx + 30, y: 30, fill: "#ddd", "font-size": 11}, s.name));
    svg.appendChild(g);
    lx += 44 + 5.8 * s.name.length;
  });
  el.replaceChildren(svg);
}
