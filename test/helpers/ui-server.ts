/**
 * The real kiosk server for the UI's end-to-end tests: the UI built with Vite into ui/dist, the
 * server started on loopback with the replay camera over a folder of real face photos.
 *
 * The server is run from JavaScript transpiled by esbuild into dist/ (same layout as `npm run
 * build`): its model workers are spawned from `.ts` with `--import tsx` when run from sources,
 * and Node 20 does not apply tsx's loader to a worker's entry (ERR_UNKNOWN_FILE_EXTENSION).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import type * as KioskServerModule from '../../server/kiosk/http/kiosk-server.js';
import type * as LoadConfigModule from '../../server/kiosk/config/load-config.js';
import { deepMerge } from '../../server/kiosk/config/deep-merge.js';
import { operatorAccount } from './kiosk-harness.js';
import { oncePerRun } from './once-per-run.js';

export { freePort } from './free-port.js';

export type KioskServer = Awaited<ReturnType<typeof KioskServerModule.startKioskServer>>;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The UI built into ui/dist, once per test run (once-per-run.ts). */
export function buildUi(): Promise<void> {
  return oncePerRun('ui-build', () => viteBuild({ configFile: path.join(ROOT, 'ui/vite.config.ts'), logLevel: 'error' }).then(() => undefined));
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await tsFiles(p)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

let modules: Promise<{ server: typeof KioskServerModule; config: typeof LoadConfigModule }> | undefined;

/** Transpiles server/ to dist/server/ (esbuild, no bundling) and imports the kiosk server from there. */
export function kioskModules(): Promise<{ server: typeof KioskServerModule; config: typeof LoadConfigModule }> {
  modules ??= (async () => {
    await oncePerRun('server-build', async () => {
      await esbuild({
        entryPoints: await tsFiles(path.join(ROOT, 'server')),
        outdir: path.join(ROOT, 'dist'),
        outbase: ROOT,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        sourcemap: true,
        logLevel: 'error',
      });
    });
    const server = (await import(path.join(ROOT, 'dist/server/kiosk/http/kiosk-server.js'))) as typeof KioskServerModule;
    const config = (await import(path.join(ROOT, 'dist/server/kiosk/config/load-config.js'))) as typeof LoadConfigModule;
    return { server, config };
  })();
  return modules;
}

export interface StartOptions {
  replayDir: string;
  port: number;
  captureDir: string;
  profile?: 'passport-booth' | 'border-gate' | 'enrolment-desk';
  overrides?: Record<string, Record<string, unknown>>;
}

/** Starts the real kiosk server (enrolment-desk profile by default: PLQ overlay on), with the OPERATOR account of kiosk-harness. */
export async function startServer(o: StartOptions): Promise<KioskServer> {
  const { server, config } = await kioskModules();
  const base: Record<string, Record<string, unknown>> = {
    server: { host: '127.0.0.1', port: o.port, auth: { users: [await operatorAccount()] } },
    camera: { source: `replay:${o.replayDir}`, fps: 10 },
    capture: { dir: o.captureDir },
  };
  // deep-merged: an override of `capture` must not drop the test's temporary capture dir
  const overrides = deepMerge(base, o.overrides ?? {});
  const cfg = await config.loadConfig({
    profile: o.profile ?? 'enrolment-desk',
    env: {},
    overrides: overrides as NonNullable<Parameters<typeof config.loadConfig>[0]>['overrides'],
  });
  return server.startKioskServer(cfg, { logger: false });
}
