/** Markup already escaped: what `html` makes, and the only thing it inserts unescaped. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an element's content and for a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

type Insert = SafeHtml | string | number | null | undefined | false | readonly Insert[];

function insertOf(value: Insert): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(insertOf).join('');
  return escapeHtml(String(value));
}

/**
 * A template of markup: every value put in is escaped, unless it is itself markup made by `html`; lists are
 * joined, and null, undefined and false put in nothing.
 */
export function html(strings: TemplateStringsArray, ...values: Insert[]): SafeHtml {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += insertOf(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(text);
}
