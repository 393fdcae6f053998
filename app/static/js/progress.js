// Long work with per-item progress (bulk decisions, migrations): the form's items are posted one at a
// time to the form's data-item-url (or a row's data-url); each answer ({ok, outcome, message}) fills
// that item's row, and a bar and a line count what is done. Without JavaScript the form is posted
// as it is and the server runs every item in one request.
(function () {
  'use strict';
  const bengali = document.documentElement.lang === 'bn';
  const digits = (n) => bengali ? String(n).replace(/[0-9]/g, (d) => '০১২৩৪৫৬৭৮৯'[d]) : String(n);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_m, k) => digits(values[k]));

  async function post(form, row) {
    const body = new FormData(form);
    body.delete('ids');
    body.set('id', row.dataset.item);
    const response = await fetch(row.dataset.url || form.dataset.itemUrl, {
      method: 'POST', body, credentials: 'same-origin',
      headers: {'Accept': 'application/json', 'X-CSRFToken': body.get('csrf_token')},
    });
    return response.json();
  }

  async function run(form, rows, buttons) {
    const bar = document.getElementById('progress');
    const line = document.getElementById('progress-text');
    buttons.forEach((b) => { b.disabled = true; });
    bar.max = rows.length;
    bar.value = 0;
    bar.hidden = false;
    let ok = 0;
    let failed = 0;
    for (const row of rows) {
      row.className = 'row-working';
      row.querySelector('.outcome').textContent = form.dataset.working;
      let answer;
      try {
        answer = await post(form, row);
      } catch (err) {
        answer = {ok: false, outcome: '', message: form.dataset.noAnswer};
      }
      if (answer.ok) { ok += 1; } else { failed += 1; }
      row.className = answer.ok ? 'row-done' : 'row-failed';
      row.querySelector('.outcome').textContent = answer.outcome || '';
      row.querySelector('.message').textContent = answer.message || '';
      bar.value = ok + failed;
      line.textContent = fill(form.dataset.progress, {done: ok + failed, total: rows.length});
    }
    line.textContent = fill(form.dataset.summary, {ok, failed});
    if ('hideWhenDone' in form.dataset) { form.hidden = true; }
    const done = document.getElementById('progress-done');
    if (done) { done.hidden = false; }
    document.body.dataset.progressFinished = '1';
  }

  document.querySelectorAll('form.progress-run').forEach((form) => {
    const buttons = Array.from(document.querySelectorAll('form.progress-run button, button[data-run-one]'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run(form, Array.from(document.querySelectorAll(form.dataset.rows)), buttons);
    });
    document.querySelectorAll('button[data-run-one]').forEach((button) => {
      button.addEventListener('click', (event) => {
        event.preventDefault();
        run(form, [button.closest('tr')], buttons);
      });
    });
  });
}());
