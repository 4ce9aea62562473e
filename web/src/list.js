// The process list: one row per registered name, with what its last report
// says (messages in and out, drops, handler types).
import { bytesKey, shown } from './texts.js';
import { count, drops, duration } from './format.js';

export class ProcessList {
  constructor(tbody, onSelect) {
    this.tbody = tbody;
    this.selected = null;
    tbody.addEventListener('click', (event) => {
      const row = event.target.closest('tr');
      if (row) onSelect(row.dataset.key);
    });
  }

  // names: /api/names; reports: bytes key -> info (may lack a name).
  update(names, reports, keep) {
    const rows = document.createDocumentFragment();
    const sorted = [...names].sort((a, b) => shown(a.name).localeCompare(shown(b.name), undefined, { numeric: true }));
    for (const n of sorted) {
      const key = bytesKey(n.name);
      const info = reports.get(key);
      const row = document.createElement('tr');
      row.dataset.key = key;
      row.dataset.name = shown(n.name);
      if (key === this.selected) row.className = 'selected';
      const cells = [
        [shown(n.name)], [shown(n.host)], [count(n.pid), 'num'], [duration(n.uptime), 'num'],
        [count(info && info.received), 'num'], [count(info && info.sent), 'num'],
        [count(drops(info)), drops(info) ? 'num drops' : 'num'],
        [info && info.handler_types ? info.handler_types.map(shown).join(' ') : ''],
      ];
      for (const [text, className] of cells) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (className) cell.className = className;
        row.appendChild(cell);
      }
      row.hidden = !keep(key);
      rows.appendChild(row);
    }
    this.tbody.replaceChildren(rows);
  }

  filter(keep) {
    for (const row of this.tbody.rows) row.hidden = !keep(row.dataset.key);
  }

  select(key) {
    this.selected = key;
    for (const row of this.tbody.rows) row.classList.toggle('selected', row.dataset.key === key);
  }
}
