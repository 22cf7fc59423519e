// Asks before an action, in a modal <dialog>; resolves true when confirmed.
import { h } from './dom.js';

export function confirmAction(question: string, detail: string, label: string, danger: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm' });
    const done = (ok: boolean): void => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    const yes = h('button', { class: danger ? 'btn danger' : 'btn primary', text: label, data: { confirm: 'yes' }, on: { click: () => done(true) } });
    dialog.append(
      h('h2', { text: question }),
      h('p', { text: detail }),
      h('div', { class: 'dialog-buttons' }, h('button', { class: 'btn', text: 'Keep it', data: { confirm: 'no' }, on: { click: () => done(false) } }), yes),
    );
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
    yes.focus();
  });
}

/** A short message at the bottom of the screen. */
export function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = h('div', { class: `toast ${kind}`, role: 'status', text });
  document.body.append(el);
  window.setTimeout(() => el.classList.add('gone'), 4000);
  window.setTimeout(() => el.remove(), 4600);
}
