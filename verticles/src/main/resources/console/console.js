// The operator's console over the management port's JSON API: reads GET /operations (and the dead
// letters) every second; changes go through the same API with the management token the operator
// typed in (kept in sessionStorage for this tab only, sent as Authorization: Bearer). No framework.
'use strict';

(function () {
  const TOKEN_KEY = 'switchboard.management.token';
  const REFRESH_MS = 1000;
  const DEAD_LETTERS_EVERY = 3; // refreshes
  const DEAD_LETTERS_LIMIT = 200;
  const HISTORY = 120; // chart points, one a second
  const MODES = ['rpc', 'event'];

  const $ = (id) => document.getElementById(id);
  const rows = new Map(); // operation -> { tr, cells, inputs, dirty }
  let operations = [];
  let refreshes = 0;
  let chart = null;
  let history = null;

  // ------------------------------------------------------------------ the API

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  /** Calls the API; resolves with the JSON body, or rejects with an Error carrying status and body. */
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && token()) headers.Authorization = 'Bearer ' + token();
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (notJson) {
      json = null;
    }
    if (!response.ok) {
      const message = json && typeof json.error === 'string' ? json.error
        : `HTTP ${response.status} ${response.statusText}`.trim();
      const error = new Error(message);
      error.status = response.status;
      error.body = json;
      throw error;
    }
    return json;
  }

  // ------------------------------------------------------------------ messages

  function showError(what, error) {
    $('error-text').textContent = `${what}: ${error.message}`;
    const findings = $('error-findings');
    findings.replaceChildren();
    const listed = error.body && Array.isArray(error.body.findings) ? error.body.findings : [];
    for (const finding of listed) {
      const item = document.createElement('li');
      item.textContent = `${finding.severity || 'finding'}: ${finding.message || JSON.stringify(finding)}`;
      findings.append(item);
    }
    $('error').hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
    $('error-text').textContent = '';
    $('error-findings').replaceChildren();
  }

  function notice(text) {
    $('notice').textContent = text;
  }

  /** Runs a change; reports its success as a notice and its failure as the error, then refreshes. */
  async function change(what, method, path, body, done) {
    try {
      const answer = await api(method, path, body);
      clearError();
      notice(done(answer));
    } catch (error) {
      showError(what, error);
    }
    await refresh();
  }

  // ------------------------------------------------------------------ formatting

  const rate = (value) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  const ms = (value) => (value === null || value === undefined ? '—'
    : `${value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2)} ms`);

  function recentOf(operation, kind) {
    return (operation.recent && operation.recent[kind]) || {};
  }

  /** "rpc 12.0 · event 3.1 (0.5 failed)": every mode with recent outcomes, else the current mode's 0. */
  function ratesText(operation) {
    const calls = recentOf(operation, 'calls');
    const parts = MODES.filter((mode) => calls[mode] && calls[mode].count > 0).map((mode) => {
      const line = calls[mode];
      return `${mode} ${rate(line.perSecond)}` + (line.failedPerSecond > 0 ? ` (${rate(line.failedPerSecond)} failed)` : '');
    });
    return parts.length ? parts.join(' · ') : `${operation.mode} 0`;
  }

  function p99Text(operation) {
    const calls = recentOf(operation, 'calls');
    const parts = MODES.filter((mode) => calls[mode] && calls[mode].count > 0)
      .map((mode) => `${mode} ${ms(calls[mode].p99Ms)}`);
    return parts.length ? parts.join(' · ') : '—';
  }

  function faultsText(faults) {
    const parts = [];
    if (faults.down) parts.push('down');
    if (faults.latencyMs > 0) parts.push(`+${faults.latencyMs} ms`);
    if (faults.errorRate > 0) parts.push(`${Math.round(faults.errorRate * 1000) / 10}% errors`);
    if (faults.capacityPerSecond > 0) parts.push(`${faults.capacityPerSecond}/s capacity`);
    if (faults.duplicateRate > 0) parts.push(`${Math.round(faults.duplicateRate * 1000) / 10}% duplicates`);
    if (faults.dedup === false) parts.push('dedup off');
    return parts.length ? parts.join(', ') : 'none';
  }

  // ------------------------------------------------------------------ the operations table

  function element(tag, attributes, text) {
    const made = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) made.setAttribute(name, value);
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function labelled(row, id, text, input) {
    const label = element('label', { for: id }, text);
    input.id = id;
    row.append(label, input);
  }

  function newRow(operation) {
    const name = operation.operation;
    const key = name.replace(/[^A-Za-z0-9_-]/g, '-');
    const tr = element('tr', { 'data-operation': name });
    const cells = {};
    for (const column of ['operation', 'mode', 'transport', 'breakers', 'inFlight', 'calls', 'p99']) {
      cells[column] = element(column === 'operation' ? 'th' : 'td', column === 'operation' ? { scope: 'row' } : {});
      if (['inFlight', 'calls', 'p99'].includes(column)) cells[column].className = 'number';
      tr.append(cells[column]);
    }
    cells.operation.textContent = name;

    const flip = element('button', { type: 'button', 'data-action': 'flip' });
    flip.addEventListener('click', () => {
      const target = rows.get(name).mode === 'rpc' ? 'event' : 'rpc';
      change(`${name}: switch to ${target}`, 'PUT', `/operations/${encodeURIComponent(name)}/mode`, { mode: target },
        (answer) => `${name} now runs in ${answer && answer.mode ? answer.mode : target} mode`
          + (answer && answer.transport ? ` over ${answer.transport}` : ''));
    });
    tr.append(element('td'));
    tr.lastChild.append(flip);

    const form = element('form', { class: 'faults-form', 'aria-label': `faults of ${name}` });
    const summary = element('span', { 'data-field': 'faults' });
    const latency = element('input', { type: 'number', min: '0', max: '600000', step: '1', name: 'latencyMs' });
    const errorRate = element('input', { type: 'number', min: '0', max: '1', step: '0.01', name: 'errorRate' });
    const down = element('input', { type: 'checkbox', name: 'down' });
    const inputs = { latency, errorRate, down };
    const fields = element('div');
    labelled(fields, `latency-${key}`, 'latency ms', latency);
    labelled(fields, `errors-${key}`, 'error rate', errorRate);
    labelled(fields, `down-${key}`, 'down', down);
    const apply = element('button', { type: 'submit', 'data-action': 'apply-faults' }, 'Apply faults');
    const clear = element('button', { type: 'button', 'data-action': 'clear-faults' }, 'Clear faults');
    form.append(summary, fields, apply, clear);
    for (const input of Object.values(inputs)) input.addEventListener('input', () => { rows.get(name).dirty = true; });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const current = rows.get(name).faults || {};
      const body = Object.assign({}, current, {
        latencyMs: Number(latency.value || 0),
        errorRate: Number(errorRate.value || 0),
        down: down.checked,
      });
      rows.get(name).dirty = false;
      change(`${name}: faults`, 'PUT', `/operations/${encodeURIComponent(name)}/faults`, body,
        (answer) => `${name} faults: ${faultsText(answer.faults)}`);
    });
    clear.addEventListener('click', () => {
      rows.get(name).dirty = false;
      change(`${name}: clear faults`, 'PUT', `/operations/${encodeURIComponent(name)}/faults`, {},
        (answer) => `${name} faults: ${faultsText(answer.faults)}`);
    });
    tr.append(element('td'));
    tr.lastChild.append(form);

    const breakerCell = element('td');
    const open = element('button', { type: 'button', 'data-action': 'breaker-open' }, 'Force open');
    const close = element('button', { type: 'button', 'data-action': 'breaker-closed' }, 'Force closed');
    const none = element('span', {}, 'no breaker');
    for (const [button, state] of [[open, 'open'], [close, 'closed']]) {
      button.setAttribute('aria-label', `Force the breaker of ${name} ${state}`);
      button.addEventListener('click', () => change(`${name}: breaker ${state}`, 'PUT',
        `/operations/${encodeURIComponent(name)}/breaker`, { state },
        (answer) => `${name} breakers: ${Object.entries(answer.breakers).map(([t, s]) => `${t} ${s}`).join(', ')}`));
    }
    breakerCell.append(open, close, none);
    tr.append(breakerCell);

    return { tr, cells, inputs, summary, flip, breakerButtons: [open, close], noBreaker: none, dirty: false, mode: null };
  }

  function updateRow(row, operation) {
    const name = operation.operation;
    row.mode = operation.mode;
    row.faults = operation.faults;
    row.cells.mode.textContent = operation.mode;
    row.cells.transport.textContent = operation.transport;
    const breakers = Object.entries(operation.breakers || {});
    row.cells.breakers.replaceChildren(...(breakers.length ? breakers.map(([target, state], i) => {
      const span = element('span', { class: state }, `${i ? ', ' : ''}${target}: ${state}`);
      return span;
    }) : [document.createTextNode('—')]));
    row.cells.inFlight.textContent = String(operation.inFlight);
    row.cells.calls.textContent = ratesText(operation);
    row.cells.p99.textContent = p99Text(operation);
    const target = operation.mode === 'rpc' ? 'event' : 'rpc';
    row.flip.textContent = `Switch to ${target}`;
    row.flip.setAttribute('aria-label', `Switch ${name} to ${target}`);
    row.summary.textContent = faultsText(operation.faults);
    if (!row.dirty) {
      row.inputs.latency.value = String(operation.faults.latencyMs);
      row.inputs.errorRate.value = String(operation.faults.errorRate);
      row.inputs.down.checked = operation.faults.down;
    }
    const hasBreaker = breakers.length > 0;
    row.breakerButtons.forEach((button) => { button.hidden = !hasBreaker; });
    row.noBreaker.hidden = hasBreaker;
  }

  function renderOperations() {
    const body = document.querySelector('#operations tbody');
    for (const operation of operations) {
      let row = rows.get(operation.operation);
      if (!row) {
        row = newRow(operation);
        rows.set(operation.operation, row);
        body.append(row.tr);
      }
      updateRow(row, operation);
    }
    const select = $('chart-operation');
    const known = new Set([...select.options].map((option) => option.value));
    for (const operation of operations) {
      if (!known.has(operation.operation)) select.append(element('option', { value: operation.operation }, operation.operation));
    }
  }

  // ------------------------------------------------------------------ dead letters

  /** "3" or, for a list of skipped ids, its length. */
  const howMany = (value) => (Array.isArray(value) ? value.length : Number(value || 0));

  function reasonText(letter) {
    const reason = letter && letter.reason;
    if (!reason) return '';
    return typeof reason === 'string' ? reason : `${reason.code || ''} ${reason.message || ''}`.trim();
  }

  /** Every dead letter the node keeps (the newest DEAD_LETTERS_LIMIT), by operation; unavailable shown as such. */
  async function refreshDeadLetters() {
    const state = $('deadletters-state');
    const table = $('deadletters');
    let answer;
    try {
      answer = await api('GET', `/deadletters?limit=${DEAD_LETTERS_LIMIT}`);
    } catch (error) {
      table.hidden = true;
      state.textContent = (error.status === 404 || error.status === 405) && !(error.body && error.body.error)
        ? 'dead letters unavailable on this node'
        : `dead letters unavailable: ${error.message}`;
      return;
    }
    const letters = answer && Array.isArray(answer.deadLetters) ? answer.deadLetters : [];
    const byOperation = new Map();
    for (const letter of letters) { // newest first
      const group = byOperation.get(letter.operation) || { total: 0, pending: 0, latest: letter };
      group.total += 1;
      if (!letter.replays) group.pending += 1;
      byOperation.set(letter.operation, group);
    }
    const capped = letters.length >= DEAD_LETTERS_LIMIT ? ` (the newest ${DEAD_LETTERS_LIMIT} shown)` : '';
    state.textContent = letters.length ? `${letters.length} dead letters${capped}` : 'no dead letters';
    table.hidden = byOperation.size === 0;
    const body = table.querySelector('tbody');
    body.replaceChildren(...[...byOperation.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, group]) => {
        const tr = element('tr', { 'data-operation': operation });
        tr.append(element('th', { scope: 'row' }, operation),
          element('td', { class: 'number', 'data-field': 'pending' }, `${group.pending} not replayed of ${group.total}`),
          element('td', {}, reasonText(group.latest)));
        const replay = element('button', { type: 'button', 'data-action': 'replay',
          'aria-label': `Replay the dead letters of ${operation}` }, `Replay ${group.pending}`);
        replay.disabled = group.pending === 0;
        replay.addEventListener('click', async () => {
          await change(`${operation}: replay`, 'POST', '/deadletters/replay', { operation },
            (replayed) => `${operation}: replayed ${howMany(replayed.replayed)}, skipped ${howMany(replayed.skipped)}`);
          await refreshDeadLetters();
        });
        const cell = element('td');
        cell.append(replay);
        tr.append(cell);
        return tr;
      }));
  }

  // ------------------------------------------------------------------ the chart

  function chartOptions(width) {
    const colours = { rpc: '#1f5fbf', event: '#d9730d' };
    return {
      width,
      height: 300,
      scales: { x: { time: true }, rate: { auto: true, range: (u, min, max) => [0, Math.max(1, max)] }, ms: { auto: true } },
      series: [
        {},
        { label: 'rpc calls/s', scale: 'rate', stroke: colours.rpc, width: 2, points: { show: false } },
        { label: 'event calls/s', scale: 'rate', stroke: colours.event, width: 2, points: { show: false } },
        { label: 'rpc p99 ms', scale: 'ms', stroke: colours.rpc, width: 1, dash: [6, 4], points: { show: false } },
        { label: 'event p99 ms', scale: 'ms', stroke: colours.event, width: 1, dash: [6, 4], points: { show: false } },
      ],
      axes: [
        {},
        { scale: 'rate', label: 'calls/s' },
        { scale: 'ms', label: 'p99 ms', side: 1, grid: { show: false } },
      ],
    };
  }

  function resetHistory() {
    history = [[], [], [], [], []];
  }

  function updateChart() {
    if (typeof uPlot === 'undefined') return;
    const selected = $('chart-operation').value;
    const operation = operations.find((candidate) => candidate.operation === selected);
    if (!operation) return;
    const calls = recentOf(operation, 'calls');
    const line = (mode) => calls[mode] || { perSecond: 0, p99Ms: null };
    const point = [Date.now() / 1000, line('rpc').perSecond, line('event').perSecond, line('rpc').p99Ms, line('event').p99Ms];
    point.forEach((value, i) => {
      history[i].push(value);
      if (history[i].length > HISTORY) history[i].shift();
    });
    const container = $('chart');
    if (!chart) {
      chart = new uPlot(chartOptions(Math.max(300, container.clientWidth)), history, container);
    } else {
      chart.setData(history);
    }
  }

  // ------------------------------------------------------------------ refreshing

  async function refresh() {
    try {
      operations = await api('GET', '/operations');
      renderOperations();
      updateChart();
      $('refreshed').textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      $('refreshed').textContent = `Could not read /operations: ${error.message}`;
    }
  }

  async function loop() {
    await refresh();
    if (refreshes++ % DEAD_LETTERS_EVERY === 0) {
      try {
        await refreshDeadLetters();
      } catch (error) {
        $('deadletters-state').textContent = `dead letters unavailable: ${error.message}`;
      }
    }
    setTimeout(loop, REFRESH_MS);
  }

  // ------------------------------------------------------------------ the token

  function showTokenState() {
    $('token-state').textContent = token() ? 'token set for this tab' : 'no token: changes will be refused';
  }

  function start() {
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = $('token').value.trim();
      if (typed) sessionStorage.setItem(TOKEN_KEY, typed);
      $('token').value = '';
      showTokenState();
    });
    $('forget-token').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showTokenState();
    });
    $('error-dismiss').addEventListener('click', clearError);
    $('chart-operation').addEventListener('change', resetHistory);
    window.addEventListener('resize', () => {
      if (chart) chart.setSize({ width: Math.max(300, $('chart').clientWidth), height: 300 });
    });
    resetHistory();
    showTokenState();
    loop();
  }

  start();
}());
