/**
 * sd_notify without a native package. The notification socket is an AF_UNIX datagram socket,
 * which Node cannot open (net: stream sockets only; dgram: UDP only), so each message is sent by
 * systemd's own `systemd-notify` (present wherever systemd is). Its messages come from a child
 * process, hence NotifyAccess=all in the unit. A no-op when NOTIFY_SOCKET is unset.
 *
 * A message from a process that has already exited can be dropped by systemd (it can no longer
 * tell the sender's unit); systemd-notify (v246+) waits on a BARRIER=1 until the manager has
 * read it, and callers repeat what matters anyway: READY=1 goes with every watchdog ping, and
 * pings are sent four times per WatchdogSec.
 */
import { spawn } from 'node:child_process';

export interface Notifier {
  readonly enabled: boolean;
  /** Sends `KEY=VALUE` assignments; resolves true when systemd-notify reported success. */
  notify(assignments: string[]): Promise<boolean>;
}

export function systemdNotifier(env: NodeJS.ProcessEnv = process.env, command = 'systemd-notify'): Notifier {
  const socket = env.NOTIFY_SOCKET;
  return {
    enabled: Boolean(socket),
    notify(assignments) {
      if (!socket) return Promise.resolve(false);
      return new Promise((resolve) => {
        const child = spawn(command, [`--pid=${process.pid}`, ...assignments], {
          stdio: 'ignore',
          env: { PATH: env.PATH ?? '/usr/bin:/bin', NOTIFY_SOCKET: socket },
        });
        child.on('error', () => resolve(false));
        child.on('exit', (code) => resolve(code === 0));
      });
    },
  };
}
