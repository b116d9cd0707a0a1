// The `kodeks scan` report's script: draws the charts from the JSON embedded in the page, as
// inline SVG; nothing is fetched, so the page works offline. Each chart mark carries
// `data-point`: the browser test counts them against the data.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                 "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#2f4b7c"];
  var payload = JSON.parse(document.getElementById("kodeks-data").textContent);
  var data = payload.data, W = payload.words;
  var root = document.getElementById("report");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function num(n) { return Number(n).toLocaleString(W.locale); }
  function word(table, key) { return (table && table[key]) || key; }
  function color(clause) { return PALETTE[(clause - 1) % PALETTE.length]; }
  function section(title) {
    var s = el("section"); s.appendChild(el("h2", {}, title)); root.appendChild(s); return s;
  }
  function table(headers, rows, numeric) {
    var t = el("table"), head = el("tr");
    headers.forEach(function (h, i) { head.appendChild(el("th", numeric[i] ? {class: "n"} : {}, h)); });
    t.appendChild(head);
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell, i) { tr.appendChild(el("td", numeric[i] ? {class: "n"} : {}, cell)); });
      t.appendChild(tr);
    });
    return t;
  }

  function header() {
    root.appendChild(el("h1", {}, W.title));
    var p = data.period;
    root.appendChild(el("div", {class: "sub"},
      data.export + " · " + W.period + ": " + (p.from || "—") + " … " + (p.to || "—")));
    var cards = el("div", {class: "cards"});
    ["messages", "judged", "with_findings", "findings", "people_with_findings"].forEach(function (k) {
      var c = el("div", {class: "card"});
      c.appendChild(el("b", {}, num(data.totals[k]))); c.appendChild(el("span", {}, W[k]));
      cards.appendChild(c);
    });
    root.appendChild(cards);
  }

  function weeklyChart() {
    var s = section(W.weekly), weeks = data.weekly.weeks, points = data.weekly.points;
    if (!points.length) { s.appendChild(el("p", {class: "note"}, W.none)); return; }
    var index = {}; weeks.forEach(function (w, i) { index[w] = i; });
    var totals = weeks.map(function () { return 0; });
    points.forEach(function (p) { totals[index[p.week]] += p.count; });
    var max = Math.max.apply(null, totals.concat([1]));
    var width = 1040, height = 260, left = 40, bottom = 40, top = 10;
    var step = (width - left - 10) / Math.max(weeks.length, 1), bar = Math.max(step * 0.8, 1);
    var scale = (height - bottom - top) / max;
    var chart = svg("svg", {id: "chart-weekly", viewBox: "0 0 " + width + " " + height,
                            width: "100%", role: "img", "aria-label": W.weekly});
    [0, 0.5, 1].forEach(function (f) {
      var y = height - bottom - f * max * scale;
      chart.appendChild(svg("line", {x1: left, x2: width, y1: y, y2: y, stroke: "#e4e7ec"}));
      var label = svg("text", {x: left - 6, y: y + 4, "text-anchor": "end"});
      label.textContent = String(Math.round(f * max)); chart.appendChild(label);
    });
    var stacked = weeks.map(function () { return 0; });
    points.forEach(function (p) {
      var i = index[p.week], h = Math.max(p.count * scale, 1);
      var y = height - bottom - stacked[i] * scale - h;
      stacked[i] += p.count;
      var rect = svg("rect", {x: left + i * step, y: y, width: bar, height: h,
                              fill: color(p.clause), "data-point": p.week + "/" + p.clause});
      var tip = svg("title"); tip.textContent = p.week + " · " + W.clause + " " + p.clause + ": " + p.count;
      rect.appendChild(tip); chart.appendChild(rect);
    });
    var every = Math.ceil(weeks.length / 12);
    weeks.forEach(function (w, i) {
      if (i % every) return;
      var label = svg("text", {x: left + i * step + bar / 2, y: height - bottom + 16, "text-anchor": "middle"});
      label.textContent = w.slice(5); chart.appendChild(label);
    });
    s.appendChild(chart);
    var legend = el("div", {class: "legend"});
    data.clauses.forEach(function (c) {
      if (!c.findings) return;
      var item = el("span"), swatch = el("i");
      swatch.style.background = color(c.number);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(W.clause + " " + c.number + ". " + c.title + " — " + num(c.findings)));
      legend.appendChild(item);
    });
    s.appendChild(legend);
    s.appendChild(el("p", {class: "note"}, W.weekly_note));
  }

  function chatChart(s) {
    var points = data.chats.points;
    if (!points.length) return;
    var max = Math.max.apply(null, points.map(function (p) { return p.findings; }).concat([1]));
    var row = 24, width = 1040, left = 260, height = points.length * row + 8;
    var chart = svg("svg", {id: "chart-chats", viewBox: "0 0 " + width + " " + height,
                            width: "100%", role: "img", "aria-label": W.by_chat});
    points.forEach(function (p, i) {
      var y = 4 + i * row, w = Math.max((width - left - 60) * p.findings / max, 1);
      var name = svg("text", {x: left - 8, y: y + 15, "text-anchor": "end"});
      name.textContent = p.chat.length > 40 ? p.chat.slice(0, 39) + "…" : p.chat;
      chart.appendChild(name);
      chart.appendChild(svg("rect", {x: left, y: y, width: w, height: row - 6, fill: "#4e79a7",
                                     "data-point": p.chat}));
      var value = svg("text", {x: left + w + 6, y: y + 15}); value.textContent = num(p.findings);
      chart.appendChild(value);
    });
    s.appendChild(chart);
  }

  function chats() {
    var s = section(W.by_chat);
    chatChart(s);
    s.appendChild(table([W.chat, W.kind, W.client, W.messages, W.judged_short, W.findings, W.rate],
      data.chats.table.map(function (r) {
        return [r.name, W.kinds[r.kind] || r.kind, r.client || "—", num(r.messages), num(r.judged),
                num(r.findings), (r.rate * 100).toFixed(1) + "%"];
      }), [false, false, false, true, true, true, true]));
  }

  function rules() {
    var s = section(W.top_rules);
    if (!data.rules.length) { s.appendChild(el("p", {class: "note"}, W.none)); return; }
    s.appendChild(table([W.rule, W.label, W.findings, W.false_alarms],
      data.rules.map(function (r) {
        return [r.rule, word(W.labels, r.label), num(r.findings), r.false_alarms === null ? "—" : num(r.false_alarms)];
      }), [false, false, true, true]));
    if (!data.feedback_known) s.appendChild(el("p", {class: "note"}, W.feedback_unknown));
  }

  function people() {
    if (!data.people.length) return;
    var s = section(W.people);
    s.appendChild(table([W.person, W.findings],
      data.people.map(function (p) { return [p.person, num(p.findings)]; }), [false, true]));
    if (!data.names) s.appendChild(el("p", {class: "note"}, W.pseudonyms));
  }

  // A section of counts by name (reasons not judged, notes on the export), each name in the
  // report's language where `names` has it; none: no section.
  function counts(title, header, values, names) {
    var keys = Object.keys(values || {});
    if (!keys.length) return;
    section(title).appendChild(table([header, W.count],
      keys.map(function (n) { return [word(names, n), num(values[n])]; }), [false, true]));
  }

  function examples() {
    if (!data.examples.length) return;
    var s = section(W.examples);
    data.examples.forEach(function (e) {
      var box = el("div", {class: "example"});
      box.appendChild(el("div", {class: "meta"},
        W.clause + " " + e.clause + " · " + e.date + " · " + e.chat + " · " + e.person + " · " + e.rules.join(", ")));
      var text = el("div");
      e.segments.forEach(function (seg) {
        text.appendChild(seg[1] ? el("mark", {}, seg[0]) : document.createTextNode(seg[0]));
      });
      box.appendChild(text); s.appendChild(box);
    });
  }

  header(); weeklyChart(); chats(); rules(); people(); examples();
  counts(W.skipped, W.reason, data.skipped, W.reasons);
  counts(W.notes, W.note, data.notes, W.reasons);
  counts(W.damaged, W.file, data.damaged, {});
  document.documentElement.setAttribute("data-rendered", "true");
})();
