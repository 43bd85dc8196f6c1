/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(text);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(value);
}

/**
 * One page: a language, a title that says where the user is, a main landmark with one h1, and styles
 * that keep the focus ring visible and the contrast high. No script.
 */
export function page(title: string, body: Html, { site, nav }: { site: string; nav?: Html }): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${site}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
  header, main { max-width: 48rem; margin: 0 auto; padding: 1rem 1.5rem; }
  header { border-bottom: 1px solid #ccc; display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
  header p { margin: 0; font-weight: 600; }
  a { color: #0b57d0; }
  a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
  button { font: inherit; padding: .5rem 1rem; border: 1px solid #0b57d0; border-radius: 4px; background: #0b57d0; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #0b57d0; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { font: inherit; padding: .4rem; width: 100%; max-width: 24rem; box-sizing: border-box; border: 1px solid #555; border-radius: 4px; }
  table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
  caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
  th, td { border: 1px solid #ccc; padding: .4rem .6rem; text-align: left; vertical-align: top; }
  td code, th code { word-break: break-all; }
  .highlight { background: #e6f4ea; border: 2px solid #137333; border-radius: 6px; padding: 1rem; }
  .highlight strong.value { font-size: 2rem; display: block; }
  .notice { background: #f1f3f4; border-left: 4px solid #555; padding: .75rem 1rem; }
  .problem { background: #fce8e6; border-left: 4px solid #a50e0e; padding: .75rem 1rem; }
  .hint { color: #444; }
</style>
</head>
<body>
<header><p>${site}</p>${nav ?? ''}</header>
<main>
${body}
</main>
</body>
</html>
`.text;
}
