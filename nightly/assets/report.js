/* govreach report: draws the page's charts with ECharts (assets/echarts.min.js) from the
 * data in <script id="gr-data" type="application/json">. Text reaches the charts only as
 * canvas text, never as HTML. Sets document.body.dataset.charts = "done" when drawn. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('gr-data').textContent);
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif';
  var PLATFORM = { wechat: '微信', weibo: '微博', apps: '应用' };
  var LEVEL = { central: '中央', province: '省级', city: '地市级', county: '区县级及以下', township: '乡镇街道' };

  function table(name) {
    var t = data.tables[name];
    if (!t) return [];
    return t.rows.map(function (r) {
      var o = {};
      t.columns.forEach(function (c, i) { o[c] = r[i]; });
      return o;
    });
  }

  function bars(el, categories, series, horizontal) {
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    var cat = { type: 'category', data: categories, axisLabel: { interval: 0, rotate: horizontal ? 0 : (categories.length > 8 ? 45 : 0), fontFamily: FONT } };
    var val = { type: 'value', axisLabel: { fontFamily: FONT } };
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      legend: { show: series.length > 1, textStyle: { fontFamily: FONT } },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      grid: { left: horizontal ? 140 : 60, right: 20, top: 40, bottom: horizontal ? 30 : 90 },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series: series.map(function (s) { return { type: 'bar', name: s.name, data: s.data }; })
    });
    return chart;
  }

  function grouped(rows, catKey, seriesKey, valueKey, names, order) {
    var cats = [], seen = {}, totals = {}, keys = [], byKey = {};
    rows.forEach(function (r) {
      var c = r[catKey];
      if (!(c in seen)) { seen[c] = true; cats.push(c); totals[c] = 0; }
      totals[c] += Number(r[valueKey]) || 0;
      if (!(r[seriesKey] in byKey)) { byKey[r[seriesKey]] = {}; keys.push(r[seriesKey]); }
      byKey[r[seriesKey]][c] = Number(r[valueKey]) || 0;
    });
    if (order) cats.sort(function (a, b) { return (order.indexOf(a) + 99) % 99 - (order.indexOf(b) + 99) % 99; });
    else cats.sort(function (a, b) { return totals[b] - totals[a]; });
    return {
      categories: cats.map(function (c) { return LEVEL[c] || c; }),
      series: keys.map(function (k) {
        return { name: names[k] || k, data: cats.map(function (c) { return byKey[k][c] || 0; }) };
      })
    };
  }

  var levelOrder = ['central', 'province', 'city', 'county', 'township'];
  var panorama = table('panorama');
  var makers = {
    'panorama-province': function () { return grouped(panorama.filter(function (r) { return r.dimension === 'province'; }), 'value', 'platform', 'accounts', PLATFORM); },
    'panorama-level': function () { return grouped(panorama.filter(function (r) { return r.dimension === 'level'; }), 'value', 'platform', 'accounts', PLATFORM, levelOrder); },
    'panorama-function': function () { return grouped(panorama.filter(function (r) { return r.dimension === 'function'; }), 'value', 'platform', 'accounts', PLATFORM); },
    'wechat-top': function () {
      var rows = table('t2_2_local_wechat').slice(0, 10);
      return { horizontal: true, categories: rows.map(function (r) { return r.name; }), series: [{ name: 'WCI', data: rows.map(function (r) { return r.wci; }) }] };
    },
    'distribution-level': function () {
      var rows = table('accounts_by_group').filter(function (r) { return r.dimension === 'level'; });
      var a = grouped(rows, 'value', 'platform', 'accounts', { wechat: '微信 参评账号', weibo: '微博 参评账号' }, levelOrder);
      var b = grouped(rows, 'value', 'platform', 'above_mean', { wechat: '微信 高于均值', weibo: '微博 高于均值' }, levelOrder);
      return { categories: a.categories, series: a.series.concat(b.series) };
    },
    'apps-store': function () {
      var rows = table('app_store_summary');
      return { categories: rows.map(function (r) { return r.store; }), series: [{ name: '下载量', data: rows.map(function (r) { return r.downloads || 0; }) }] };
    },
    'apps-province': function () {
      var rows = table('app_province_summary');
      return { categories: rows.map(function (r) { return r.province; }), series: [{ name: '下载量', data: rows.map(function (r) { return r.downloads || 0; }) }] };
    }
  };

  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), function (el) {
    var make = makers[el.getAttribute('data-chart')];
    var spec = make ? make() : null;
    if (!spec || spec.categories.length === 0) {
      el.className = 'chart-empty';
      el.textContent = '本期无数据';
      return;
    }
    charts.push(bars(el, spec.categories, spec.series, spec.horizontal));
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-charts', 'done');
  document.body.setAttribute('data-chart-count', String(charts.length));
})();
