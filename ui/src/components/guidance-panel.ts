/**
 * The current guidance: the first message large with its icon, a second one smaller, the
 * escalation hint below. A fixed-height block (no layout jump when messages change) and an
 * aria-live region that announces the first message.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GuidanceMessage } from '../protocol.js';
import { guidanceIcon } from '../icons/guidance-icons.js';
import { theme } from '../styles/theme.js';

@customElement('guidance-panel')
export class GuidancePanel extends LitElement {
  @property({ attribute: false }) messages: GuidanceMessage[] = [];
  @property({ attribute: false }) hint: GuidanceMessage | null = null;
  /** Shown when there is nothing to correct (e.g. "Hold still"). */
  @property() fallback = '';
  @property() fallbackId = '';

  static override styles = [
    theme,
    css`
      :host { display: block; }
      .panel { display: grid; grid-template-rows: auto auto auto; gap: 0.5rem; min-height: 15rem; align-content: start; }
      .main { display: grid; grid-template-columns: auto 1fr; align-items: center; gap: 1.2rem; min-height: 8.5rem; }
      .main svg { width: 6.5rem; height: 6.5rem; color: var(--text); --icon-accent: var(--accent); }
      .main .text { font-size: clamp(2rem, 2.2vw + 1.3rem, 3.4rem); font-weight: 700; line-height: 1.12; }
      .second { display: flex; align-items: center; gap: 0.8rem; min-height: 3.4rem; font-size: clamp(1.3rem, 1vw + 1rem, 2rem); color: var(--muted); }
      .second svg { width: 2.8rem; height: 2.8rem; flex: none; --icon-accent: var(--accent); }
      .hint { min-height: 2.6rem; font-size: 1.4rem; color: var(--accent); }
      .ok .text { color: var(--good); }
    `,
  ];

  override render() {
    const [first, second] = this.messages;
    const main = first ?? (this.fallback ? { id: this.fallbackId, text: this.fallback, priority: 0 } : null);
    const hint = this.hint && this.hint.id !== first?.id && this.hint.id !== second?.id ? this.hint : null;
    return html`<div class="panel">
      <div class="main ${first ? '' : 'ok'}" data-id=${main?.id ?? ''}>
        ${main ? html`<svg viewBox="0 0 24 24" aria-hidden="true">${guidanceIcon(main.id)}</svg>` : html`<span></span>`}
        <span class="text" role="status" aria-live="polite" aria-atomic="true">${main?.text ?? ''}</span>
      </div>
      <div class="second" data-id=${second?.id ?? ''}>
        ${second ? html`<svg viewBox="0 0 24 24" aria-hidden="true">${guidanceIcon(second.id)}</svg><span>${second.text}</span>` : nothing}
      </div>
      <div class="hint" data-id=${hint?.id ?? ''}>${hint ? hint.text : nothing}</div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'guidance-panel': GuidancePanel;
  }
}
