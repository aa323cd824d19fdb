/**
 * The static parts of report.html: the stylesheet and the page script. The script reads the
 * inlined data (<script id="report-data" type="application/json">) and draws uPlot charts.
 */

export const REPORT_CSS = `
:root { --bg:#fff; --fg:#1b1f24; --muted:#59636e; --card:#f6f8fa; --line:#d1d9e0; --ok:#1a7f37; --bad:#cf222e; --warn:#9a6700; --shade:rgba(207,34,46,.12); }
@media (prefers-color-scheme: dark) {
  :root { --bg:#0d1117; --fg:#e6edf3; --muted:#9198a1; --card:#161b22; --line:#30363d; --ok:#3fb950; --bad:#f85149; --warn:#d29922; --shade:rgba(248,81,73,.18); }
}
* { box-sizing: border-box; }
body { margin:0; padding:16px 24px 48px; background:var(--bg); color:var(--fg); font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
h1 { font-size:20px; margin:0 0 4px; } h2 { font-size:16px; margin:28px 0 10px; border-bottom:1px solid var(--line); padding-bottom:4px; }
h3 { font-size:14px; margin:8px 0; }
.meta { color:var(--muted); }
.verdict { display:inline-block; font-weight:700; padding:2px 10px; border-radius:6px; margin-right:8px; color:#fff; }
.verdict.v-pass { background:var(--ok); } .verdict.v-fail { background:var(--bad); } .verdict.v-partial, .verdict.v-none { background:var(--warn); }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(150px,1fr)); gap:10px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px 12px; }
.card .k { color:var(--muted); font-size:12px; } .card .v { font-size:20px; font-weight:600; font-variant-numeric:tabular-nums; }
.grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(420px,1fr)); gap:16px; }
.chart { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px; min-width:0; break-inside:avoid; }
.chart .plot { width:100%; }
table { border-collapse:collapse; margin:6px 0 14px; font-variant-numeric:tabular-nums; }
th, td { border:1px solid var(--line); padding:3px 8px; text-align:right; } th { background:var(--card); }
td:first-child, th:first-child { text-align:left; } span.l { display:block; text-align:left; }
.scroll { overflow-x:auto; }
.pass { color:var(--ok); } .fail { color:var(--bad); }
.warning { border:2px solid var(--bad); background:var(--shade); padding:10px 14px; border-radius:8px; font-weight:600; margin:12px 0; }
.note { border:1px solid var(--warn); padding:8px 12px; border-radius:8px; margin:12px 0; }
.u-legend { font-size:12px; } .uplot { font-family:inherit; }
@media (max-width: 700px) { .grid { grid-template-columns:1fr; } body { padding:10px; } }
@media print {
  :root { --bg:#fff; --fg:#000; --muted:#444; --card:#fff; --line:#bbb; }
  body { padding:0; font-size:11px; } .grid { grid-template-columns:1fr 1fr; } h2 { break-after:avoid; }
  table, .card, .chart { break-inside:avoid; }
}
`;

export const REPORT_JS = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var css = getComputedStyle(document.documentElement);
  var v = function (n) { return css.getPropertyValue(n).trim(); };
  var PALETTE = ['#0969da', '#bc4c00', '#1a7f37', '#8250df', '#cf222e', '#9a6700', '#1b7c83', '#bf3989'];
  var charts = [];
  function shade(u) {
    var eps = data.episodes; if (!eps.length) return;
    var ctx = u.ctx; ctx.save(); ctx.fillStyle = v('--shade');
    var top = u.bbox.top, h = u.bbox.height;
    eps.forEach(function (e) {
      var x0 = u.valToPos(e.start, 'x', true), x1 = u.valToPos(e.end, 'x', true);
      x0 = Math.max(x0, u.bbox.left); x1 = Math.min(x1, u.bbox.left + u.bbox.width);
      if (x1 > x0) ctx.fillRect(x0, top, x1 - x0, h);
    });
    ctx.restore();
  }
  function axis(label) {
    return { stroke: v('--muted'), label: label, grid: { stroke: v('--line'), width: 1 }, ticks: { stroke: v('--line'), width: 1 } };
  }
  function draw(el, spec) {
    var w = Math.max(280, el.clientWidth - 4);
    var opts = {
      width: w, height: 240,
      scales: spec.log ? { x: { time: false, distr: 3, log: 10 } } : { x: { time: false } },
      axes: [axis(spec.xLabel), axis(spec.yLabel)],
      series: [{ label: spec.xLabel, value: spec.log ? function (u, x) { return x == null ? '-' : (100 * (1 - 1 / x)).toFixed(3) + '%'; } : undefined }]
        .concat(spec.names.map(function (n, i) {
          var s = { label: n, stroke: PALETTE[i % PALETTE.length], width: 1.5 };
          if (spec.log) s.points = { show: false };
          if (/trend$/.test(n)) { s.dash = [6, 4]; s.points = { show: false }; s.spanGaps = false; }
          return s;
        })),
      hooks: spec.shade ? { drawClear: [shade] } : {},
    };
    if (spec.log) {
      var maxX = spec.x[spec.x.length - 1];
      opts.axes[0].splits = function () { var out = []; for (var x = 1; x <= maxX * 1.0001; x *= 10) out.push(x); return out; };
      opts.axes[0].values = function (u, splits) { return splits.map(function (x) { return x === 1 ? '0%' : String(+(100 * (1 - 1 / x)).toFixed(4)) + '%'; }); };
    }
    var u = new uPlot(opts, [spec.x].concat(spec.ys), el);
    charts.push({ u: u, el: el });
  }
  document.querySelectorAll('.plot').forEach(function (el) {
    var spec = data.charts[el.getAttribute('data-chart')];
    if (spec) draw(el, spec);
  });
  var resize = function () { charts.forEach(function (c) { c.u.setSize({ width: Math.max(280, c.el.clientWidth - 4), height: 240 }); }); };
  window.addEventListener('resize', resize);
  window.addEventListener('beforeprint', resize);
})();
`;
