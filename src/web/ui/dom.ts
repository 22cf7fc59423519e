// A small helper to build DOM nodes. Text is always set as text (never parsed as HTML), and
// no style attribute is ever written: the page's CSP allows no inline style.
type Child = Node | string | number | null | undefined | false;
type Props = {
  id?: string;
  class?: string;
  text?: string;
  title?: string;
  href?: string;
  type?: string;
  value?: string;
  placeholder?: string;
  disabled?: boolean;
  hidden?: boolean;
  role?: string;
  data?: Record<string, string>;
  aria?: Record<string, string>;
  on?: Partial<Record<keyof HTMLElementEventMap, (e: Event) => void>>;
};

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    if (props.id) el.id = props.id;
    if (props.class) el.className = props.class;
    if (props.text !== undefined) el.textContent = props.text;
    if (props.title) el.title = props.title;
    if (props.href !== undefined) el.setAttribute('href', props.href);
    if (props.type) el.setAttribute('type', props.type);
    if (props.value !== undefined) (el as unknown as HTMLInputElement).value = props.value;
    if (props.placeholder) el.setAttribute('placeholder', props.placeholder);
    if (props.disabled) el.setAttribute('disabled', '');
    if (props.hidden) el.hidden = true;
    if (props.role) el.setAttribute('role', props.role);
    for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
    for (const [k, v] of Object.entries(props.aria ?? {})) el.setAttribute(`aria-${k}`, v);
    for (const [k, fn] of Object.entries(props.on ?? {})) el.addEventListener(k, fn as EventListener);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'number' ? String(c) : c)));
}
