import type { OutputChannel } from 'vscode';

/** Name of the output channel, as it appears in the Output view's list. */
export const OUTPUT_CHANNEL_NAME = 'Switchboard';

/** The "Switchboard" output channel: one timestamped line per event, details indented below. */
export class OutputLog {
  private readonly channel: OutputChannel;

  constructor(channel: OutputChannel) {
    this.channel = channel;
  }

  /** Appends `message` stamped with the local time, and each of `details` indented under it. */
  line(message: string, details: readonly string[] = []): void {
    const time = new Date().toTimeString().slice(0, 8);
    this.channel.appendLine(`[${time}] ${message}`);
    for (const detail of details) this.channel.appendLine(`    ${detail}`);
  }

  /** Reveals the channel without taking the focus from the editor. */
  show(): void {
    this.channel.show(true);
  }
}
