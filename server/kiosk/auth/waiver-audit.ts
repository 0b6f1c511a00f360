/**
 * The audit trail of a waiver's end: staff undoing one is recorded with their name (`unwaive`); one
 * that went with its session (the person left, another stepped in, a reset) is recorded here, by
 * the system, so that the trail says how long each waiver stood.
 */
import { SYSTEM_ACTOR } from '../../security/roles.js';
import type { WaiversEnded } from '../guidance/waivers.js';
import type { AuditSink } from './audit-log.js';

/** One `waiver-ended` line per waiver: `<id>: <reason> (waived by <user>)`. */
export async function recordEndedWaivers(audit: AuditSink, ended: WaiversEnded): Promise<void> {
  for (const w of ended.waivers) {
    await audit.record({ action: 'waiver-ended', actor: SYSTEM_ACTOR, ok: true, detail: `${w.id}: ${ended.reason} (waived by ${w.by})` });
  }
}
