/**
 * The live AD-MAM_H map (|a(I) - MAM_H|, aligned coordinates): where the FR network's activation
 * map of this face deviates from what high-quality faces look like to it. Shown beside the PLQ
 * map when the kiosk has a stored MAM_H.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { AdMamView } from '../store/kiosk-store.js';

@customElement('admam-panel')
export class AdMamPanel extends LitElement {
  @property({ attribute: false }) map: AdMamView | null = null;
  @query('canvas') private canvas!: HTMLCanvasElement;

  static override styles = css`
    :host { display: flex; gap: 12px; align-items: center; }
    canvas { width: 112px; height: 112px; border-radius: 8px; background: #111; image-rendering: auto; }
    .text { font-size: 0.95rem; color: #c3ccd8; }
    .value { font-size: 1.3rem; font-weight: 700; color: #fff; }
  `;

  override render() {
    return html`<canvas width="112" height="112" role="img" aria-label="AD-MAM_H map"></canvas>
      <div class="text">
        <div>Deviation from high-quality faces (AD-MAM<sub>H</sub>)</div>
        ${this.map ? html`<div class="value" data-k="admam-mean">${this.map.mean.toFixed(3)}</div>` : nothing}
      </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('map')) return;
    const ctx = this.canvas?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, 112, 112);
    if (!this.map) return;
    try {
      ctx.drawImage(this.map.image, 0, 0, 112, 112);
    } catch {
      /* released: the next one is on its way */
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'admam-panel': AdMamPanel;
  }
}
