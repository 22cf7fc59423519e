// Answers that stay open (a followed log): ended when the daemon stops, so that a stop or a
// reload's hand-over does not wait for them. The browser asks the new daemon again.
import type http from 'node:http';

export class OpenStreams {
  private readonly open = new Map<http.ServerResponse, () => void>();
  closing = false;

  /** Tracks an open answer; the promise resolves when the daemon stops. */
  add(res: http.ServerResponse): Promise<void> {
    return new Promise((resolve) => this.open.set(res, resolve));
  }

  remove(res: http.ServerResponse): void {
    this.open.delete(res);
  }

  /** Tells every open answer to end. */
  endAll(): void {
    this.closing = true;
    for (const [res, stop] of this.open) {
      stop();
      res.end();
    }
    this.open.clear();
  }
}
