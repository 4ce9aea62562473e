// The panel of one process: what `cm info NAME --json` says (from its last
// report), and the kill button when the name server allows it.
import * as api from './api.js';
import { pathSegment, shown } from './texts.js';
import { duration } from './format.js';

export class InfoPanel {
  constructor(elements, about, keyInput) {
    this.el = elements;
    this.about = about;
    this.keyInput = keyInput;
    this.name = null;  // the text of the process shown
    elements.kill.addEventListener('click', () => this.kill());
  }

  async show(name) {
    this.name = name;
    const el = this.el;
    el.panel.hidden = false;
    el.panel.dataset.name = shown(name);
    el.title.textContent = shown(name);
    el.result.textContent = '';
    el.kill.hidden = !this.about.allow_kill;
    try {
      const info = await api.info(pathSegment(name));
      if (this.name !== name) return;  // another was clicked meanwhile
      this.render(info);
      el.note.textContent = '';
    } catch (error) {
      if (this.name !== name) return;
      el.table.replaceChildren();
      el.note.textContent = error.message;
    }
  }

  render(info) {
    const rows = document.createDocumentFragment();
    for (const [key, value] of Object.entries(info)) {
      const row = document.createElement('tr');
      row.dataset.key = key;
      const label = document.createElement('td');
      label.textContent = key;
      const cell = document.createElement('td');
      if (Array.isArray(value)) cell.textContent = value.map(shown).join(' ');
      else if (key === 'uptime') cell.textContent = duration(value);
      else if (key === 'start_time' && value) cell.textContent = new Date(value * 1000).toISOString().replace('.000Z', 'Z');
      else cell.textContent = typeof value === 'object' ? shown(value) : String(value);
      row.append(label, cell);
      rows.appendChild(row);
    }
    this.el.table.replaceChildren(rows);
  }

  async kill() {
    const name = this.name;
    if (name === null) return;
    // The confirmation: nothing is sent unless the operator says yes.
    if (!window.confirm(`Kill ${shown(name)}? It is asked to exit (cm:kill), as \`cm kill\` does.`)) {
      this.el.result.textContent = 'not killed';
      return;
    }
    this.el.result.textContent = 'asking it to exit...';
    try {
      const answer = await api.kill(pathSegment(name), this.keyInput.value.trim());
      this.el.result.textContent = answer.result;
    } catch (error) {
      this.el.result.textContent = 'refused: ' + error.message;
    }
  }
}
