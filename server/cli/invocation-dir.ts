import path from 'node:path';

/**
 * The folder the user typed the command in. `npm run plq -- assess photo.jpg` runs the script in
 * the package root, whatever folder it was typed in (npm keeps that one in INIT_CWD), so relative
 * paths (`photo.jpg`, `--out`, `--config`) would be read against the checkout instead of where the
 * user is. Only a process that npm started for one of this package's own scripts running the CLI
 * takes INIT_CWD; anything else (a test or a script that spawns the CLI in a folder of its own
 * while an outer `npm test` set INIT_CWD) keeps its working directory.
 */
export function invocationDir(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const initCwd = env.INIT_CWD;
  const packageJson = env.npm_package_json;
  if (!initCwd || !packageJson) return undefined;
  if (!(env.npm_lifecycle_script ?? '').includes('server/cli/main.ts')) return undefined;
  if (path.resolve(cwd) !== path.dirname(path.resolve(packageJson))) return undefined;
  const dir = path.resolve(initCwd);
  return dir === path.resolve(cwd) ? undefined : dir;
}
