// The wallboard: tiles from the server's figures (computed by ccsim's KPI code), no KPI computed here.
const KPIS = [["queue", "queue", ""], ["longest_wait", "longest wait", "s"], ["service_level", "service level", "%"],
  ["asa", "ASA", "s"], ["abandon_rate", "abandoned", "%"]];
const SHOWN_RESULTS = 4;  // what-ifs kept side by side in the result table
let board = null, latest = null, history = [], current = null;
const fmt = (v, unit) => v == null ? "-" : unit === "%" ? (v * 100).toFixed(1) + "%" : unit === "s" ? Math.round(v) + "s" : String(v);
const levelText = (v, unit) => unit === "%" ? +(v * 100).toFixed(1) + "%" : unit === "s" ? +v.toFixed(1) + "s" : String(+v.toFixed(2));
function tile(cls, html) { const d = document.createElement("div"); d.className = "tile " + (cls || ""); d.innerHTML = html; return d; }
function esc(s) { return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }
// "amber ≥ 5 · red ≥ 10" (lower is better) or "amber < 80% · red < 70%" (higher is better).
function levels(l, unit) {
  const op = l.better === "higher" ? "<" : "≥";
  return "amber " + op + " " + levelText(l.amber, unit) + " · red " + op + " " + levelText(l.red, unit);
}
function showThresholds() {
  const t = document.getElementById("thresholds");
  let h = "<tr><th>tile</th>" + board.contact_types.map(n => "<th>" + esc(n) + "</th>").join("") + "</tr>";
  KPIS.forEach(([k, label, unit]) => {
    h += "<tr data-kpi='" + k + "'><td>" + label + "</td>" + board.contact_types.map(n =>
      "<td data-type='" + esc(n) + "'>" + levels(board.levels.contact_types[n][k], unit) + "</td>").join("") + "</tr>";
  });
  h += "<tr data-kpi='staffed'><td>agents present / scheduled</td><td colspan='" + board.contact_types.length +
    "'>" + levels(board.levels.staffed, "%") + " (every group)</td></tr>";
  t.innerHTML = h;
}
function show(s) {
  latest = s;
  document.getElementById("clock").textContent = s.clock;
  document.getElementById("day").textContent = s.day != null ? "day " + s.day : "";
  document.getElementById("running").textContent = s.running ? "running" : "stopped";
  const now = document.querySelector("#from option[value=now]");
  now.disabled = !s.running || !board.from_now;
  if (now.disabled && document.getElementById("from").value === "now") document.getElementById("from").value = "snapshot";
  const types = document.getElementById("types"); types.replaceChildren();
  s.contact_types.forEach(t => {
    KPIS.forEach(([k, label, unit]) => {
      const lv = board.levels.contact_types[t.name][k];
      const d = tile(t[k + "_status"], esc(t.name) + " " + label + "<br><b>" + fmt(t[k], unit) + "</b>" +
        (k === "abandon_rate" ? " (" + t.abandoned + ")" : "") + "<div class='levels'>" + levels(lv, unit) + "</div>");
      d.dataset.type = t.name; d.dataset.kpi = k; d.title = label + ": " + levels(lv, unit);
      types.appendChild(d);
    });
  });
  const groups = document.getElementById("groups"); groups.replaceChildren();
  s.agent_groups.forEach(g => {
    const d = tile(g.staffed_status, esc(g.name) + "<br>busy " + g.busy + " idle " + g.idle + " break " + g.break +
      " aux " + g.aux + "<br>present <b>" + g.present + "</b> of " + g.scheduled + " scheduled" +
      "<div class='levels'>" + levels(board.levels.staffed, "%") + "</div>");
    d.title = "present / scheduled: " + levels(board.levels.staffed, "%");
    groups.appendChild(d);
  });
  drawCharts();
}
// The "as is" variant's series of the newest what-if, placed on the board's intervals
// (of a multi-day run: when the board shows the day the what-if started on).
function simulatedSeries(key, name) {
  const out = board.intervals.map(() => null);
  const res = history.length && (history[0].result.from_day ?? null) === (latest.day ?? null) ? history[0].result : null;
  ((res && res[key] && res[key][name]) || []).forEach(([start, v]) => { const i = board.intervals.indexOf(start); if (i >= 0) out[i] = v; });
  return out;
}
function drawCharts() {
  const s = latest, charts = document.getElementById("charts");
  if (!s) return;
  const from = history.length ? " (as is, from " + fromText(history[0].result) + ")" : "";
  board.contact_types.forEach((name, k) => {
    let box = charts.querySelector("[data-type='" + CSS.escape(name) + "']");
    if (!box) {
      box = document.createElement("div"); box.dataset.type = name; charts.appendChild(box);
      ["offered", "sl"].forEach(kind => { const c = document.createElement("div"); c.className = "chart"; c.dataset.chart = kind; box.appendChild(c); });
    }
    lineChart(box.querySelector("[data-chart=offered]"), {title: name + ": contacts offered per interval", unit: "",
      labels: board.intervals, series: [
        {name: "forecast", kind: "forecast", values: board.forecast[k]},
        {name: "actual", kind: "actual", values: s.actual[k].map((v, i) => i <= s.interval ? v : null)},
        {name: "simulated" + from, kind: "simulated", values: simulatedSeries("simulated_offered", name)}]});
    lineChart(box.querySelector("[data-chart=sl]"), {title: name + ": service level per interval", unit: "%", max: 1,
      labels: board.intervals, series: [
        {name: "target", kind: "target", values: board.intervals.map(() => board.sl_targets[k])},
        {name: "actual (finished contacts)", kind: "actual",
         values: s.actual_service_level[k].map((v, i) => i <= s.interval ? v : null)},
        {name: "simulated" + from, kind: "simulated", values: simulatedSeries("simulated_service_level", name)}]});
  });
}
async function runWhatIf() {
  const actions = document.getElementById("actions").value.split("\n").map(a => a.trim()).filter(a => a);
  const reps = parseInt(document.getElementById("reps").value, 10);
  const origin = document.getElementById("from").value;
  const st = document.getElementById("jobstatus"), bar = document.getElementById("progress");
  const run = document.getElementById("run"), cancel = document.getElementById("cancel");
  run.disabled = true; st.textContent = origin === "now" ? "taking the live moment" : "queued"; bar.value = 0;
  try {
    const r = await fetch("/api/whatif", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({actions: actions, replications: reps, from: origin})});
    let job = await r.json();
    if (!r.ok) { st.textContent = job.error; return; }
    current = job; cancel.disabled = false;
    while (job.status === "queued" || job.status === "running") {
      bar.max = job.total || 1; bar.value = job.done;
      if (!current.cancelling) st.textContent = job.status + " from " + job.from_time + " (" + job.done + "/" + (job.total || "?") + ")";
      await new Promise(ok => setTimeout(ok, 300));
      job = await (await fetch("/api/whatif/" + job.id)).json();
    }
    st.textContent = job.status + (job.error ? ": " + job.error : "");
    if (job.status === "done") { bar.value = bar.max; keep(job); }
  } finally {
    run.disabled = false; cancel.disabled = true; current = null;
  }
}
async function cancelWhatIf() {
  if (!current) return;
  current.cancelling = true;
  document.getElementById("cancel").disabled = true;
  document.getElementById("jobstatus").textContent = "cancelling";
  await fetch("/api/whatif/" + current.id, {method: "DELETE"});
}
function keep(job) {
  history = [job].concat(history.filter(j => j.id !== job.id)).slice(0, SHOWN_RESULTS);
  table(); drawCharts();
}
function fromText(res) { return (res.from_day != null ? "day " + res.from_day + " " : "") + res.from_time; }
function ci(x, unit) { return x && x.ci95 ? " [" + fmt(x.ci95[0], unit) + ", " + fmt(x.ci95[1], unit) + "]" : ""; }
function table() {
  const t = document.getElementById("result");
  let h = "<tr><th>from</th><th>variant</th><th>contact type</th><th>service level</th><th>abandonment</th><th>ASA</th><th>SL vs as is</th></tr>";
  history.forEach(job => {
    const from = fromText(job.result) + (job.from === "now" ? " (live)" : " (snapshot)");
    job.result.rows.forEach((r, i) => {
      const d = r.difference ? r.difference.service_level : null;
      h += "<tr data-job='" + job.id + "'" + (i === 0 ? " class='first'" : "") + "><td>" + from + "</td><td>" + esc(r.variant) +
        "</td><td>" + esc(r.contact_type) + "</td><td>" + fmt(r.service_level.mean, "%") + ci(r.service_level, "%") +
        "</td><td>" + fmt(r.abandon_rate.mean, "%") + ci(r.abandon_rate, "%") + "</td><td>" + fmt(r.asa.mean, "s") + ci(r.asa, "s") +
        "</td><td>" + (d ? fmt(d.estimate, "%") + ci(d, "%") : "") + "</td></tr>";
    });
  });
  t.innerHTML = h;
}
async function start() {
  board = await (await fetch("/api/board")).json();
  document.getElementById("name").textContent = board.name;
  document.querySelector("#from option[value=snapshot]").textContent = "from the snapshot (" + board.snapshot_time + ")";
  showThresholds();
  const sel = document.getElementById("speed");
  board.speeds.forEach(v => { const o = document.createElement("option"); o.value = v; o.textContent = v + "x"; sel.appendChild(o); });
  sel.addEventListener("change", () => fetch("/api/speed", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({speed: parseFloat(sel.value)})}));
  document.getElementById("run").addEventListener("click", runWhatIf);
  document.getElementById("cancel").addEventListener("click", cancelWhatIf);
  const done = (await (await fetch("/api/whatif")).json()).filter(j => j.status === "done");
  history = done.reverse().slice(0, SHOWN_RESULTS);
  if (history.length) table();
  const first = await (await fetch("/api/state")).json();
  document.getElementById("from").value = first && first.running && board.from_now ? "now" : "snapshot";
  if (first) { sel.value = first.speed; show(first); }
  new EventSource("/api/stream").addEventListener("state", e => show(JSON.parse(e.data)));
}
start();
