import { writeFile } from 'node:fs/promises';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCameraSource, parseCameraSpec } from '../server/kiosk/camera/camera-spec.js';
import { loadOpenCv, OpenCvMissingError } from '../server/kiosk/camera/opencv-loader.js';
import { describeOpenCvTarget } from '../server/kiosk/camera/opencv-target.js';
import { memoryLogger, SAMPLE_PHOTOS, tempDir } from './helpers/camera-photos.js';

describe('camera spec parsing', () => {
  it('parses every kind', () => {
    expect(parseCameraSpec('synthetic')).toEqual({ kind: 'synthetic' });
    expect(parseCameraSpec(' replay:/srv/demo faces ')).toEqual({ kind: 'replay', path: '/srv/demo faces' });
    expect(parseCameraSpec('replay:C:/x')).toEqual({ kind: 'replay', path: 'C:/x' });
    expect(parseCameraSpec('opencv:0')).toEqual({ kind: 'opencv', target: { kind: 'index', index: 0 } });
    expect(parseCameraSpec('OpenCV:12')).toEqual({ kind: 'opencv', target: { kind: 'index', index: 12 } });
    expect(parseCameraSpec('opencv:/dev/video2')).toEqual({
      kind: 'opencv',
      target: { kind: 'device-path', path: '/dev/video2' },
    });
    expect(parseCameraSpec('opencv:rtsp://user:pw@10.0.0.5:554/stream1')).toEqual({
      kind: 'opencv',
      target: { kind: 'url', url: 'rtsp://user:pw@10.0.0.5:554/stream1' },
    });
    const jetson =
      'nvarguscamerasrc sensor-id=0 ! video/x-raw(memory:NVMM),width=1280,height=720,framerate=30/1 ! ' +
      'nvvidconv ! video/x-raw,format=BGRx ! videoconvert ! video/x-raw,format=BGR ! appsink drop=1';
    expect(parseCameraSpec(`opencv:${jetson}`)).toEqual({ kind: 'opencv', target: { kind: 'pipeline', pipeline: jetson } });
    expect(parseCameraSpec('opencv:/var/lib/plq/demo.avi')).toEqual({
      kind: 'opencv',
      target: { kind: 'file', path: '/var/lib/plq/demo.avi' },
    });
  });

  it('rejects bad specs with a clear message', () => {
    const bad: [string, RegExp][] = [
      ['', /bad camera spec '': empty/],
      ['webcam', /no kind \(missing ':'\)/],
      ['usb:0', /unknown camera kind 'usb'/],
      ['replay:', /replay needs a folder, image or video path/],
      ['opencv:', /opencv needs a device index/],
      ['opencv:-1', /bad OpenCV device index '-1'/],
      ['opencv:1.5', /bad OpenCV device index '1.5'/],
      ['opencv:v4l2src ! videoconvert', /must end in an appsink/],
      ['synthetic:fast', /synthetic takes no argument/],
    ];
    for (const [spec, msg] of bad) {
      expect(() => parseCameraSpec(spec), spec).toThrow(msg);
      expect(() => parseCameraSpec(spec), spec).toThrow(/expected replay:PATH, opencv:INDEX/);
    }
  });

  it('masks credentials when describing a stream', () => {
    const spec = parseCameraSpec('opencv:rtsp://user:secret@cam/1');
    if (spec.kind !== 'opencv') throw new Error('expected opencv');
    expect(describeOpenCvTarget(spec.target)).toBe('stream rtsp://***@cam/1');
  });
});

describe('createCameraSource', () => {
  it('makes a synthetic and a replay source that stream', async () => {
    const syn = createCameraSource('synthetic', { fps: 100 });
    expect(syn.description).toMatch(/synthetic/);
    expect(await firstValueFrom(syn.frames().pipe(take(2), toArray()))).toHaveLength(2);
    const rep = createCameraSource(`replay:${SAMPLE_PHOTOS[1]}`, { fps: 100, maxWidth: 160, logger: memoryLogger() });
    const f = await firstValueFrom(rep.frames());
    expect(f.image.width).toBe(160);
  });

  it('throws at once for a replay path that does not exist', () => {
    expect(() => createCameraSource('replay:/nonexistent/folder')).toThrow('replay path not found: /nonexistent/folder');
  });
});

describe('OpenCV missing', () => {
  afterEach(() => {
    vi.doUnmock('node:module');
    vi.resetModules();
  });

  const notFound = (): Error => {
    const err = new Error("Cannot find module '@u4/opencv4nodejs'\nRequire stack:\n- /x/opencv-loader.ts") as Error & {
      code: string;
    };
    err.code = 'MODULE_NOT_FOUND';
    return err;
  };

  it('loadOpenCv explains what to install when the require fails', () => {
    const fail = (): never => {
      throw notFound();
    };
    expect(() => loadOpenCv('OpenCV camera', fail)).toThrow(OpenCvMissingError);
    expect(() => loadOpenCv('OpenCV camera', fail)).toThrow(
      "OpenCV camera requested but the optional dependency @u4/opencv4nodejs is not installed: Cannot find module '@u4/opencv4nodejs'. To fix:",
    );
    expect(() => loadOpenCv('OpenCV camera', fail)).toThrow(/apt-get install libopencv-dev.*npm install @u4\/opencv4nodejs/);
    const brokenBinding = (): never => {
      throw new Error("Cannot find module '/x/build/Release/opencv4nodejs.node'");
    };
    expect(() => loadOpenCv('OpenCV camera', brokenBinding)).toThrow(/failed to load \(native binding missing/);
  });

  it('createCameraSource fails at start for opencv specs and video replay when the package cannot be required', async () => {
    vi.resetModules();
    vi.doMock('node:module', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:module')>();
      return {
        ...real,
        createRequire: () => (id: string) => {
          if (id === '@u4/opencv4nodejs') throw notFound();
          throw new Error(`unexpected require ${id}`);
        },
      };
    });
    const { createCameraSource: create } = await import('../server/kiosk/camera/camera-spec.js');
    for (const spec of ['opencv:0', 'opencv:/dev/video0', 'opencv:rtsp://cam/1', 'opencv:a ! appsink']) {
      expect(() => create(spec), spec).toThrow(
        /^OpenCV camera requested but the optional dependency @u4\/opencv4nodejs is not installed: .*To fix: install OpenCV/,
      );
    }
    const video = `${await tempDir('novideo')}/demo.avi`;
    await writeFile(video, Buffer.alloc(16));
    expect(() => create(`replay:${video}`)).toThrow(
      /^Video replay \(OpenCV\) requested but the optional dependency @u4\/opencv4nodejs is not installed/,
    );
  });
});
