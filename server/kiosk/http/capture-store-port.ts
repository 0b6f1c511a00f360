/** What the HTTP routes need from the capture store. */
import type { CaptureFileName } from '../capture/capture-store.js';
import type { Actor } from '../../security/roles.js';

export { CAPTURE_FILES, CONTENT_TYPES, type CaptureFileName } from '../capture/capture-store.js';

export interface CaptureSummaryView {
  id: string;
  ts: number;
  qualityScaled: number;
  approved: boolean;
  /** Not on disk yet (disk full or failing): kept in memory and retried. */
  pending: boolean;
  trigger: string;
}

export interface CaptureStorePort {
  list(): Promise<CaptureSummaryView[]>;
  report(id: string): Promise<unknown | undefined>;
  file(id: string, name: CaptureFileName): Promise<Buffer | undefined>;
  /** The actor is recorded in the audit log (and, for approve, in the report). */
  delete(id: string, actor?: Actor): Promise<boolean>;
  approve(id: string, actor?: Actor): Promise<boolean>;
}
