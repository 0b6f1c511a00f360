/**
 * Operator: the shown messages staff may rule wrong for the person in front of the kiosk (no
 * glasses, eyes that are open, an accepted head covering), each with a button that waives it for
 * this session, and the messages waived so far, in the words the kiosk said them, with who waived
 * them and an undo; when waivers went with their session (the person left, another stepped in),
 * which and why. Fires `waive` with `{ id, waived }`; the server decides (and answers with a
 * `waivers` event).
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GuidanceMessage, Waiver, WaiversEndReason, WaiversEnded } from '../protocol.js';
import { theme } from '../styles/theme.js';

const ENDED_BECAUSE: Record<WaiversEndReason, string> = {
  'person left': 'the person left',
  'another person': 'another person stepped in',
  'captured screen timed out': 'the captured screen timed out',
  'capture accepted': 'the person accepted the capture',
  reset: 'the kiosk was reset',
};

export interface WaiveRequest {
  id: string;
  waived: boolean;
}

@customElement('waiver-panel')
export class WaiverPanel extends LitElement {
  /** The messages shown now. */
  @property({ attribute: false }) messages: GuidanceMessage[] = [];
  /** The ids the profile lets an operator waive. */
  @property({ attribute: false }) waivable: string[] = [];
  @property({ attribute: false }) waivers: Waiver[] = [];
  /** The waivers that last went with their session, and why. */
  @property({ attribute: false }) ended: WaiversEnded | null = null;
  /** What each message said when last shown: a waived message is no longer among `messages`. */
  #texts = new Map<string, string>();

  static override styles = [
    theme,
    css`
      :host { display: block; }
      .row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
      .waived { margin-top: 0.4rem; font-size: 1rem; color: var(--muted); }
      button { font-size: 1rem; }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('messages')) for (const m of this.messages) this.#texts.set(m.id, m.text);
  }

  /** The waived message as the kiosk said it, or its id in words (a view opened after it was waived). */
  #said(id: string): string {
    return this.#texts.get(id) ?? id.replace(/-/g, ' ');
  }

  override render() {
    const open = this.messages.filter((m) => this.waivable.includes(m.id) && !this.waivers.some((w) => w.id === m.id));
    const ended = this.ended;
    if (open.length === 0 && this.waivers.length === 0 && !ended) return nothing;
    return html`
      ${open.length
        ? html`<div class="row" data-k="waive">
            ${open.map((m) => html`<button class="waive" data-id=${m.id} title="You checked the person: this message is wrong for them" @click=${() => this.#send(m.id, true)}>Not so: waive “${m.text}”</button>`)}
          </div>`
        : nothing}
      ${this.waivers.length
        ? html`<div class="waived row" data-k="waived">
            Waived for this person:
            ${this.waivers.map((w) => html`<span data-id=${w.id} title=${w.id}>“${this.#said(w.id)}” (${w.by})</span><button class="undo" data-id=${w.id} @click=${() => this.#send(w.id, false)}>Undo</button>`)}
          </div>`
        : nothing}
      ${ended
        ? html`<div class="waived" data-k="ended">
            Waivers ended, ${ENDED_BECAUSE[ended.reason] ?? ended.reason}: ${ended.waivers.map((w, i) => html`${i ? ', ' : ''}<span data-id=${w.id} title=${w.id}>“${this.#said(w.id)}” (${w.by})</span>`)}
          </div>`
        : nothing}
    `;
  }

  #send(id: string, waived: boolean): void {
    this.dispatchEvent(new CustomEvent<WaiveRequest>('waive', { detail: { id, waived }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'waiver-panel': WaiverPanel;
  }
}
