// xterm.js styles its terminal by writing rules into <style> elements it creates, and colours a
// few cells with style attributes. The page's Content-Security-Policy allows neither (no inline
// style). The same rules are applied here through the CSS Object Model, which the policy does
// not govern: a <style> element's text goes into a constructed stylesheet adopted by the
// document (xterm gets an inert <template> in its place), and a style attribute into the
// element's style declaration. Nothing reaches the
// page as inline style text.

const sheets = new WeakMap<HTMLStyleElement, CSSStyleSheet>();

function adoptText(el: HTMLStyleElement, text: string): void {
  let sheet = sheets.get(el);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheets.set(el, sheet);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  sheet.replaceSync(text);
}

function drop(el: HTMLStyleElement): void {
  const sheet = sheets.get(el);
  if (sheet) document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
}

let installed = false;

export function installCspStyleShims(): void {
  if (installed) return;
  installed = true;
  const create = document.createElement.bind(document);
  document.createElement = ((tag: string, options?: ElementCreationOptions) => {
    if (tag.toLowerCase() !== 'style') return create(tag, options);
    // An inert stand-in: even an empty <style> element counts as inline style for the CSP.
    const style = create('template') as unknown as HTMLStyleElement;
    Object.defineProperty(style, 'textContent', {
      configurable: true,
      get: () => '',
      set: (text: string | null) => adoptText(style, text ?? ''),
    });
    const remove = style.remove.bind(style);
    style.remove = () => {
      drop(style);
      remove();
    };
    return style;
  }) as typeof document.createElement;
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string): void {
    if (name.toLowerCase() === 'style' && this instanceof HTMLElement) {
      this.style.cssText = value;
      return;
    }
    setAttribute.call(this, name, value);
  };
}
