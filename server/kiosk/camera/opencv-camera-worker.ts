/**
 * The OpenCV camera thread: owns every VideoCapture of the process, so opening (synchronous in
 * the binding: an unreachable RTSP camera blocks for FFmpeg's connection timeout) and reading
 * never run on the main event loop. Frames go back as transferred buffers.
 */
import { parentPort, type TransferListItem } from 'node:worker_threads';
import { CameraFatalError, type CaptureDevice } from './capture-device.js';
import { openOpenCvCapture } from './opencv-capture.js';
import type { OpenCvThreadRequest, OpenCvThreadResponse, OpenCvThreadResult } from './opencv-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('the OpenCV camera thread must run in a worker thread');
const devices = new Map<number, CaptureDevice>();
let nextHandle = 1;

async function handle(req: OpenCvThreadRequest): Promise<{ result: OpenCvThreadResult; transfer?: TransferListItem[] }> {
  if (req.op === 'open') {
    const device = await openOpenCvCapture(req.target, { maxWidth: req.maxWidth });
    const h = nextHandle++;
    devices.set(h, device);
    return { result: { handle: h, nativeFps: device.nativeFps } };
  }
  const device = devices.get(req.handle);
  if (!device) throw new Error(`no open capture ${req.handle}`);
  switch (req.op) {
    case 'read': {
      const frame = await device.read();
      return { result: { frame }, transfer: frame ? [frame.data.buffer as ArrayBuffer] : [] };
    }
    case 'rewind':
      return { result: { rewound: await device.rewind() } };
    case 'release':
      devices.delete(req.handle);
      device.release();
      return { result: { released: true } };
  }
}

port.on('message', (req: OpenCvThreadRequest) => {
  handle(req).then(
    ({ result, transfer }) => port.postMessage({ id: req.id, ok: true, result } satisfies OpenCvThreadResponse, transfer ?? []),
    (err: unknown) =>
      port.postMessage({
        id: req.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        fatal: err instanceof CameraFatalError,
      } satisfies OpenCvThreadResponse),
  );
});
