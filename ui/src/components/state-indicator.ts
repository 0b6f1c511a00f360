/** The kiosk state as a coloured label; while holding, a countdown of the results still needed. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { KioskState } from '../protocol.js';
import { theme } from '../styles/theme.js';

@customElement('state-indicator')
export class StateIndicator extends LitElement {
  @property({ reflect: true }) state: KioskState = 'searching';
  @property() label = '';
  /** Remaining good results before the capture (holding), null otherwise. */
  @property({ type: Number }) remaining: number | null = null;

  static override styles = [
    theme,
    css`
      :host { display: block; }
      .box { display: flex; align-items: center; gap: 1rem; min-height: 5.2rem; padding: 0.6rem 1.2rem; border-radius: var(--radius); background: var(--panel-2); border-left: 10px solid #5b6778; }
      :host([state='adjusting']) .box { border-left-color: var(--accent); }
      :host([state='holding']) .box { border-left-color: var(--good); }
      :host([state='captured']) .box { border-left-color: var(--good); background: #12301f; }
      :host([state='camera-lost']) .box { border-left-color: var(--bad); background: #3a1614; }
      .label { font-size: clamp(1.6rem, 1.2vw + 1.1rem, 2.4rem); font-weight: 700; }
      .count { margin-left: auto; width: 4.2rem; height: 4.2rem; border-radius: 50%; display: grid; place-items: center; background: var(--good); color: #06210f; font-size: 2.6rem; font-weight: 800; font-variant-numeric: tabular-nums; animation: pulse 0.6s ease-out; }
      @keyframes pulse { from { transform: scale(1.25); } to { transform: scale(1); } }
      @media (prefers-reduced-motion: reduce) { .count { animation: none; } }
    `,
  ];

  override render() {
    const showCount = this.state === 'holding' && this.remaining !== null && this.remaining > 0;
    return html`<div class="box">
      <span class="label">${this.label}</span>
      ${showCount ? html`<span class="count" aria-label="countdown">${this.remaining}</span>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'state-indicator': StateIndicator;
  }
}
