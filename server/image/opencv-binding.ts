/**
 * Loading the optional dependency @u4/opencv4nodejs, for every user of it (the cameras, the
 * inpainting experiment): one place that sets what the binding reads when it loads, and one
 * message that says what to install when it does not load.
 */
import { createRequire } from 'node:module';

export const OPENCV_PACKAGE = '@u4/opencv4nodejs';

export const OPENCV_INSTALL_STEPS =
  'install OpenCV and build the binding against it, e.g. on Debian/Ubuntu: ' +
  '`sudo apt-get install libopencv-dev` then ' +
  '`OPENCV4NODEJS_DISABLE_AUTOBUILD=1 OPENCV_INCLUDE_DIR=/usr/include/opencv4 ' +
  'OPENCV_LIB_DIR=/usr/lib/$(uname -m)-linux-gnu OPENCV_BIN_DIR=/usr/bin npm install @u4/opencv4nodejs` ' +
  '(on a Jetson use the JetPack OpenCV, which has GStreamer).';

const nodeRequire = createRequire(import.meta.url);

/**
 * Why `purpose` cannot run: the package is missing, or its native binding does not load; what to
 * install, then `alternative` (what the user can do without OpenCV) where there is one.
 */
export function openCvMissingMessage(purpose: string, cause: unknown, alternative?: string): string {
  const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  const fix = `To fix: ${OPENCV_INSTALL_STEPS}${alternative ? ` ${alternative}` : ''}`;
  return isPackageMissing(cause)
    ? `${purpose} requested but the optional dependency ${OPENCV_PACKAGE} is not installed: ${reason}. ${fix}`
    : `${purpose} requested but the optional dependency ${OPENCV_PACKAGE} failed to load ` +
        `(native binding missing or built against another OpenCV): ${reason}. ${fix}`;
}

function isPackageMissing(cause: unknown): boolean {
  const e = cause as { code?: string; message?: string } | undefined;
  return e?.code === 'MODULE_NOT_FOUND' && (e.message ?? '').includes(`'${OPENCV_PACKAGE}'`);
}

/**
 * The binding's module (its `cv` namespace where it has one); throws what `require` throws.
 * `requireFn` replaces Node's require (a test simulating a missing install).
 */
export function requireOpenCvBinding(requireFn?: (id: string) => unknown): unknown {
  // The binding's own Mat allocator tells V8 about every Mat it frees, and V8 may collect garbage
  // right there. A Mat freed by its finalizer is freed inside a collection, which then waits for
  // itself: a fresh-clone CI run hung so, the main thread in cv::Mat::release ->
  // Isolate::AdjustAmountOfExternalAllocatedMemory -> Heap::CollectGarbage, blocked on cppgc's
  // process mutex. V8 needs no such hints. The binding reads this variable when it loads; set on
  // the main thread (which loads it first, opencv-thread.ts), it is in the process's environment
  // for the camera thread too. Its other switch, dangerousDisableCustomMatAllocator(), crashes the
  // next Mat (segfault, measured).
  process.env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING ??= '1';
  if (!requireFn) silenceBuildLog();
  const mod = (requireFn ?? nodeRequire)(OPENCV_PACKAGE);
  return (mod as { cv?: unknown }).cv ?? mod;
}

/**
 * The binding's loader logs its build configuration (several coloured lines) through
 * @u4/opencv-build on every load; keep the kiosk's journal clean unless
 * OPENCV4NODES_DEBUG_REQUIRE asks for it. Best effort: nothing happens if the layout differs.
 */
function silenceBuildLog(): void {
  if (process.env.OPENCV4NODES_DEBUG_REQUIRE) return;
  try {
    const fromBinding = createRequire(nodeRequire.resolve(OPENCV_PACKAGE));
    const build = fromBinding('@u4/opencv-build') as { Log?: { silence?: boolean } };
    if (build.Log) build.Log.silence = true;
  } catch {
    /* not installed, or another layout: leave the logging as it is */
  }
}
