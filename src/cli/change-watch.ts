// For views that redraw on change (`gflow queue --watch`): resolves when the daemon's event
// stream says something changed, at most a few times a second, and every 10 s regardless
// (elapsed times move on; a safety net for a daemon without events).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '../client/client.js';
import { followEvents } from '../client/event-stream.js';

const MIN_REDRAW_MS = 200;
const SAFETY_REDRAW_MS = 10_000;

export class ChangeWatch {
  private dirty = false;
  private wake: (() => void) | null = null;
  private lastRedraw = 0;

  constructor(client: Client) {
    void (async () => {
      for await (const _ of followEvents(client, { unreachableMs: Infinity })) {
        this.dirty = true;
        this.wake?.();
      }
    })().catch(() => {
      // no stream: the safety redraw still comes
    });
  }

  /** Waits for the next change since the last call. */
  async next(): Promise<void> {
    if (!this.dirty) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SAFETY_REDRAW_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    // Bursts (an array of 1,000 submitted) are drawn once.
    const wait = this.lastRedraw + MIN_REDRAW_MS - Date.now();
    if (wait > 0) await sleep(wait);
    this.dirty = false;
    this.lastRedraw = Date.now();
  }
}
