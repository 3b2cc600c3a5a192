/**
 * Dates as WoodWing Assets reads them in queries and parameters: epoch milliseconds, `YYYY-MM-DD`, ISO
 * date-times, and Solr's date math: `NOW`, `NOW-1DAY`, `NOW+2HOURS`, `NOW/DAY`, `NOW-1YEAR/MONTH`.
 */
const UNITS: Record<string, 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond'> = {
  YEAR: 'year',
  YEARS: 'year',
  MONTH: 'month',
  MONTHS: 'month',
  WEEK: 'week',
  WEEKS: 'week',
  DAY: 'day',
  DAYS: 'day',
  DATE: 'day',
  HOUR: 'hour',
  HOURS: 'hour',
  MINUTE: 'minute',
  MINUTES: 'minute',
  SECOND: 'second',
  SECONDS: 'second',
  MILLI: 'millisecond',
  MILLIS: 'millisecond',
  MILLISECOND: 'millisecond',
  MILLISECONDS: 'millisecond',
};

function add(date: Date, amount: number, unit: string): Date {
  const d = new Date(date);
  switch (unit) {
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + amount);
      break;
    case 'month':
      d.setUTCMonth(d.getUTCMonth() + amount);
      break;
    case 'week':
      d.setUTCDate(d.getUTCDate() + 7 * amount);
      break;
    case 'day':
      d.setUTCDate(d.getUTCDate() + amount);
      break;
    case 'hour':
      d.setUTCHours(d.getUTCHours() + amount);
      break;
    case 'minute':
      d.setUTCMinutes(d.getUTCMinutes() + amount);
      break;
    case 'second':
      d.setUTCSeconds(d.getUTCSeconds() + amount);
      break;
    default:
      d.setUTCMilliseconds(d.getUTCMilliseconds() + amount);
  }
  return d;
}

function roundDown(date: Date, unit: string): Date {
  const d = new Date(date);
  switch (unit) {
    case 'year':
      d.setUTCMonth(0, 1);
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'month':
      d.setUTCDate(1);
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'week':
    case 'day':
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'hour':
      d.setUTCMinutes(0, 0, 0);
      break;
    case 'minute':
      d.setUTCSeconds(0, 0);
      break;
    case 'second':
      d.setUTCMilliseconds(0);
      break;
  }
  return d;
}

function dateMath(text: string, now: Date): Date | undefined {
  // A form or query string decodes the + of NOW+1DAY as a space when the client did not escape it.
  const match = /^NOW((?:[+-]\d+[A-Z]+|\/[A-Z]+)*)$/i.exec(text.trim().replace(/ (?=\d)/g, '+'));
  if (!match) return undefined;
  let date = now;
  for (const step of (match[1] ?? '').match(/[+-]\d+[A-Z]+|\/[A-Z]+/gi) ?? []) {
    const rounding = step.startsWith('/');
    const unit = UNITS[(rounding ? step.slice(1) : step.replace(/^[+-]\d+/, '')).toUpperCase()];
    if (!unit) return undefined;
    date = rounding ? roundDown(date, unit) : add(date, Number.parseInt(step, 10), unit);
  }
  return date;
}

/** A date, with whether it names a whole day (`2026-11-22`), so that a term can match that day. */
export function parseDate(text: string, now = new Date()): { date: Date; wholeDay: boolean } | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const date = new Date(`${text}T00:00:00.000Z`);
    // new Date() quietly moves 2021-02-30 to March: a day that does not exist is no date.
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return undefined;
    return { date, wholeDay: true };
  }
  if (/^\d{10,14}$/.test(text)) return { date: new Date(Number(text)), wholeDay: false };
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const date = new Date(text);
    if (Number.isNaN(date.getTime()) || !parseDate(text.slice(0, 10))) return undefined;
    return { date, wholeDay: false };
  }
  const math = dateMath(text, now);
  return math ? { date: math, wholeDay: false } : undefined;
}

export function endOfDay(date: Date): Date {
  return add(date, 1, 'day');
}
