/** A horizontal meter of Q^ (0..1), with the capture threshold marked when known. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../styles/theme.js';

export function qualityTone(q: number, threshold: number): 'bad' | 'fair' | 'good' {
  if (q >= threshold) return 'good';
  return q >= threshold * 0.7 ? 'fair' : 'bad';
}

@customElement('quality-meter')
export class QualityMeter extends LitElement {
  /** Q^ in 0..1, or null when there is none. */
  @property({ type: Number }) value: number | null = null;
  @property({ type: Number }) threshold = 0.5;
  @property() label = 'Quality';
  @property({ type: Boolean, reflect: true }) compact = false;

  static override styles = [
    theme,
    css`
      :host { display: block; }
      .row { display: flex; justify-content: space-between; align-items: baseline; font-size: 1.5rem; color: var(--muted); }
      .num { font-size: 2.2rem; font-weight: 700; color: var(--text); font-variant-numeric: tabular-nums; min-width: 4ch; text-align: right; }
      :host([compact]) .row { font-size: 1rem; }
      :host([compact]) .num { font-size: 1.3rem; }
      .track { position: relative; height: 1.4rem; border-radius: 0.7rem; background: #2a323d; overflow: hidden; margin-top: 0.4rem; }
      :host([compact]) .track { height: 0.8rem; }
      .fill { position: absolute; inset: 0 auto 0 0; border-radius: inherit; transition: width 0.25s ease-out, background 0.25s; }
      .fill.bad { background: var(--bad); }
      .fill.fair { background: var(--accent); }
      .fill.good { background: var(--good); }
      .mark { position: absolute; top: -2px; bottom: -2px; width: 3px; background: #fff; }
    `,
  ];

  override render() {
    const v = this.value;
    const pct = v === null ? 0 : Math.max(0, Math.min(1, v)) * 100;
    const tone = v === null ? 'bad' : qualityTone(v, this.threshold);
    return html`<div role="meter" aria-label=${this.label} aria-valuemin="0" aria-valuemax="1" aria-valuenow=${v ?? 0}>
      <div class="row"><span>${this.label}</span><span class="num">${v === null ? '–' : v.toFixed(2)}</span></div>
      <div class="track"><div class="fill ${tone}" style="width:${pct}%"></div><div class="mark" style="left:calc(${this.threshold * 100}% - 1px)"></div></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'quality-meter': QualityMeter;
  }
}
