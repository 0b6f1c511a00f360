import { maskCredentials } from '../../security/mask-credentials.js';

/** What an OpenCV VideoCapture opens, classified once so the right backend is asked. */
export type OpenCvTarget =
  | { kind: 'index'; index: number }
  | { kind: 'device-path'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'pipeline'; pipeline: string }
  | { kind: 'file'; path: string };

const URL_SCHEME = /^(rtsp|rtsps|rtmp|http|https|udp|tcp|srt):\/\//i;

/** Classifies an opencv camera string: index, /dev/ path, stream URL, GStreamer pipeline or file. */
export function classifyOpenCvTarget(value: string): OpenCvTarget {
  const v = value.trim();
  if (v === '') throw new Error('empty OpenCV camera target');
  if (/^\d+$/.test(v)) return { kind: 'index', index: Number(v) };
  if (/^[-+]?\d*\.?\d+$/.test(v)) {
    throw new Error(`bad OpenCV device index '${v}': expected a whole number >= 0 (0 for /dev/video0)`);
  }
  if (URL_SCHEME.test(v)) return { kind: 'url', url: v };
  if (v.includes('!')) {
    if (!/appsink/.test(v)) {
      throw new Error(`GStreamer pipeline '${v}' must end in an appsink (e.g. '... ! videoconvert ! appsink')`);
    }
    return { kind: 'pipeline', pipeline: v };
  }
  if (v.startsWith('/dev/')) return { kind: 'device-path', path: v };
  return { kind: 'file', path: v };
}

/** A short description for logs and the UI (RTSP credentials are masked). */
export function describeOpenCvTarget(t: OpenCvTarget): string {
  switch (t.kind) {
    case 'index':
      return `camera #${t.index}`;
    case 'device-path':
      return `camera ${t.path}`;
    case 'url':
      return `stream ${maskCredentials(t.url)}`;
    case 'pipeline':
      return `GStreamer pipeline ${t.pipeline.split('!')[0]!.trim()} ! ...`;
    case 'file':
      return `video ${t.path}`;
  }
}
