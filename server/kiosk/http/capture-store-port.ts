/** What the HTTP routes need from the capture store. */
export interface CaptureSummaryView {
  id: string;
  ts: number;
  qualityScaled: number;
  approved: boolean;
  trigger: string;
}

export const CAPTURE_FILES = ['portrait.jpg', 'frame.jpg', 'plq.png', 'overlay.png', 'report.json'] as const;
export type CaptureFileName = (typeof CAPTURE_FILES)[number];

export interface CaptureStorePort {
  list(): Promise<CaptureSummaryView[]>;
  report(id: string): Promise<unknown | undefined>;
  file(id: string, name: CaptureFileName): Promise<Buffer | undefined>;
  delete(id: string): Promise<boolean>;
  approve(id: string): Promise<boolean>;
}
