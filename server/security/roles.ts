/**
 * Who may do what. `kiosk`: the touchscreen (live stream, its own retake/accept/language).
 * `operator`: manual capture, approve, delete, reset, list and download captures, the operator
 * view. `monitor`: metrics and status only.
 */
export const ROLES = ['kiosk', 'operator', 'monitor'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something, for the audit trail and capture reports. Never holds image data. */
export interface Actor {
  /** Operator user name, or 'kiosk' / 'monitor' / 'system' for the non-personal roles. */
  readonly user: string;
  readonly role: Role | 'system';
  /** Remote address the request came from, when there was one. */
  readonly address?: string;
}

export const SYSTEM_ACTOR: Actor = { user: 'system', role: 'system' };
