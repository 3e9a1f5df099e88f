// Small DOM helpers: elements built from text (never from HTML strings, so nothing a user or the
// data wrote is ever run as markup), and the panel's status line.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c);
  }
  return e;
}

/** A button with a click handler. */
export function button(text: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attrs }, text);
  b.addEventListener('click', onClick);
  return b;
}

/** A heading with a back button before it, for views opened from another view. */
export function titled(title: string, back?: { label: string; go: () => void }): HTMLElement {
  const h = el('div', { class: 'view-head' });
  if (back) h.append(button(back.label, back.go, { class: 'back' }));
  h.append(el('h2', { tabindex: '-1' }, title));
  return h;
}

/** A definition list of label → value pairs (values as text). */
export function facts(rows: [string, string | null | undefined][]): HTMLDListElement {
  const dl = el('dl', { class: 'facts' });
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === '') continue;
    // <bdi>: a value keeps its own direction (numbers, Latin names) and the page's alignment.
    dl.append(el('dt', {}, k), el('dd', {}, el('bdi', {}, v)));
  }
  return dl;
}
