/**
 * Progress on stderr, so stdout stays the figures alone. On a terminal one line is redrawn in
 * place; in a log (CI) only each step's final line is written.
 */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private lastDraw = 0;
  private drawn = false;

  /** Updates the current line; drawn at most ten times a second. */
  update(text: string): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    process.stderr.write(`\r\x1b[2K${text}`);
    this.drawn = true;
  }

  /** Ends the current step with a line that stays. */
  done(text: string): void {
    process.stderr.write(this.tty && this.drawn ? `\r\x1b[2K${text}\n` : `${text}\n`);
    this.drawn = false;
    this.lastDraw = 0;
  }
}
