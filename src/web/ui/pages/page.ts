// A page of the dashboard: its element, and how it brings itself up to date.
import type { GflowEvent } from '../../../protocol/events.js';

export interface Page {
  el: HTMLElement;
  title: string;
  /** e: the event that prompted it; null: refresh everything */
  refresh(e: GflowEvent | null): Promise<void> | void;
  /** which events concern the page (default: all) */
  wants?(e: GflowEvent): boolean;
  dispose?(): void;
}
