/**
 * Progress on stderr. On a terminal: one line rewritten in place, at most every REDRAW_MS. Elsewhere (a log,
 * a pipe) a terminal's carriage returns would be noise: the caller says when a plain line is due.
 */
const REDRAW_MS = 200;

export class ProgressLine {
  readonly onTerminal = process.stderr.isTTY === true;
  private lastDrawAt = 0;
  private drawn = false;

  /** On a terminal, redraws the line (always when `final`); elsewhere writes it only when `due`. */
  show(text: string, { due = false, final = false }: { due?: boolean; final?: boolean } = {}): void {
    if (!this.onTerminal) {
      if (due || final) process.stderr.write(`${text}\n`);
      return;
    }
    const now = Date.now();
    if (!final && now - this.lastDrawAt < REDRAW_MS) return;
    this.lastDrawAt = now;
    this.drawn = true;
    process.stderr.write(`\r\x1b[K${text}${final ? '\n' : ''}`);
    if (final) this.drawn = false;
  }

  /** Ends a line left open on the terminal, before other output. */
  end(): void {
    if (this.drawn) process.stderr.write('\n');
    this.drawn = false;
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function byteCount(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
