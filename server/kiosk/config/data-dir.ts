/**
 * Where the kiosk keeps its data by default: never in the source tree (captures are biometric
 * data). `$PLQ_DATA_DIR`, else systemd's `$STATE_DIRECTORY` (`StateDirectory=plq-kiosk`:
 * /var/lib/plq-kiosk), else `$XDG_DATA_HOME/plq-kiosk`, else `~/.local/share/plq-kiosk`.
 */
import os from 'node:os';
import path from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

export function defaultDataDir(env: Env, home: string = os.homedir()): string {
  if (env.PLQ_DATA_DIR) return path.resolve(env.PLQ_DATA_DIR);
  // systemd may list several state directories, colon-separated: ours is the first
  const state = env.STATE_DIRECTORY?.split(':')[0];
  if (state) return path.resolve(state);
  if (env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)) return path.join(env.XDG_DATA_HOME, 'plq-kiosk');
  return path.join(home, '.local', 'share', 'plq-kiosk');
}

export function defaultCaptureDir(env: Env, home?: string): string {
  return path.join(defaultDataDir(env, home), 'captures');
}
