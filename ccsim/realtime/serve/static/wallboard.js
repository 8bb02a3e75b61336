// The wallboard: tiles from the server's figures (computed by ccsim's KPI code), no KPI computed here.
let board = null, simulated = {};
const fmt = (v, unit) => v == null ? "-" : unit === "%" ? (v * 100).toFixed(1) + "%" : unit === "s" ? Math.round(v) + "s" : String(v);
function tile(cls, html) { const d = document.createElement("div"); d.className = "tile " + (cls || ""); d.innerHTML = html; return d; }
function esc(s) { return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }
function show(s) {
  document.getElementById("clock").textContent = s.clock;
  document.getElementById("running").textContent = s.running ? "running" : "stopped";
  const types = document.getElementById("types"); types.replaceChildren();
  s.contact_types.forEach(t => {
    [["queue", "queue", ""], ["longest_wait", "longest wait", "s"], ["service_level", "service level", "%"],
     ["asa", "ASA", "s"], ["abandon_rate", "abandoned", "%"]].forEach(([k, label, unit]) => {
      const d = tile(t[k + "_status"], esc(t.name) + " " + label + "<br><b>" + fmt(t[k], unit) + "</b>" +
        (k === "abandon_rate" ? " (" + t.abandoned + ")" : ""));
      d.dataset.type = t.name; d.dataset.kpi = k; types.appendChild(d);
    });
  });
  const groups = document.getElementById("groups"); groups.replaceChildren();
  s.agent_groups.forEach(g => groups.appendChild(tile(g.staffed_status, esc(g.name) + "<br>busy " + g.busy +
    " idle " + g.idle + " break " + g.break + " aux " + g.aux + "<br>present <b>" + g.present + "</b> of " + g.scheduled + " scheduled")));
  const charts = document.getElementById("charts"); charts.replaceChildren();
  board.contact_types.forEach((name, k) => {
    const el = document.createElement("div"); charts.appendChild(el);
    const sim = board.intervals.map(() => null);
    (simulated[name] || []).forEach(([start, v]) => { const i = board.intervals.indexOf(start); if (i >= 0) sim[i] = v; });
    lineChart(el, board.intervals, [{name: name + " forecast", values: board.forecast[k], colour: "#888"},
      {name: "actual", values: s.actual[k].map((v, i) => i <= s.interval ? v : null), colour: "#4fc3f7"},
      {name: "simulated", values: sim, colour: "#ffb74d"}]);
  });
}
async function runWhatIf() {
  const actions = document.getElementById("actions").value.split("\n").map(a => a.trim()).filter(a => a);
  const reps = parseInt(document.getElementById("reps").value, 10);
  const st = document.getElementById("jobstatus"), bar = document.getElementById("progress");
  const r = await fetch("/api/whatif", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({actions: actions, replications: reps})});
  let job = await r.json();
  if (!r.ok) { st.textContent = job.error; return; }
  while (job.status === "queued" || job.status === "running") {
    bar.max = job.total || 1; bar.value = job.done; st.textContent = job.status;
    await new Promise(ok => setTimeout(ok, 300));
    job = await (await fetch("/api/whatif/" + job.id)).json();
  }
  st.textContent = job.status + (job.error ? ": " + job.error : ""); bar.value = bar.max;
  if (job.result) { simulated = job.result.simulated_offered; table(job.result); }
}
function ci(x, unit) { return x && x.ci95 ? " [" + fmt(x.ci95[0], unit) + ", " + fmt(x.ci95[1], unit) + "]" : ""; }
function table(res) {
  const t = document.getElementById("result");
  let h = "<tr><th>variant</th><th>contact type</th><th>service level</th><th>abandonment</th><th>ASA</th><th>SL vs as is</th></tr>";
  res.rows.forEach(r => {
    const d = r.difference ? r.difference.service_level : null;
    h += "<tr><td>" + esc(r.variant) + "</td><td>" + esc(r.contact_type) + "</td><td>" + fmt(r.service_level.mean, "%") + ci(r.service_level, "%") +
      "</td><td>" + fmt(r.abandon_rate.mean, "%") + ci(r.abandon_rate, "%") + "</td><td>" + fmt(r.asa.mean, "s") + ci(r.asa, "s") +
      "</td><td>" + (d ? fmt(d.estimate, "%") + ci(d, "%") : "") + "</td></tr>";
  });
  t.innerHTML = h;
}
async function start() {
  board = await (await fetch("/api/board")).json();
  document.getElementById("name").textContent = board.name;
  document.getElementById("snaptime").textContent = board.snapshot_time;
  const sel = document.getElementById("speed");
  board.speeds.forEach(v => { const o = document.createElement("option"); o.value = v; o.textContent = v + "x"; sel.appendChild(o); });
  sel.addEventListener("change", () => fetch("/api/speed", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({speed: parseFloat(sel.value)})}));
  document.getElementById("run").addEventListener("click", runWhatIf);
  const first = await (await fetch("/api/state")).json();
  if (first) { sel.value = first.speed; show(first); }
  new EventSource("/api/stream").addEventListener("state", e => show(JSON.parse(e.data)));
}
start();
