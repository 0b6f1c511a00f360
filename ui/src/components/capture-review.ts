/** The captured portrait with "accept" and "retake" (events `accept` and `retake`). */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../styles/theme.js';
import './quality-meter.js';

@customElement('capture-review')
export class CaptureReview extends LitElement {
  @property() src = '';
  @property({ type: Number }) quality: number | null = null;
  @property({ type: Number }) threshold = 0.5;
  @property() heading = 'Your photo';
  @property() qualityLabel = 'Quality';
  @property() acceptLabel = 'Accept';
  @property() retakeLabel = 'Retake';
  @property() thanks = '';
  @property({ type: Boolean }) accepted = false;

  static override styles = [
    theme,
    css`
      :host { display: grid; place-items: center; background: rgba(8, 10, 13, 0.94); }
      .card { display: grid; gap: 1.2rem; justify-items: center; padding: 1.5rem; max-height: 100%; }
      h2 { margin: 0; font-size: clamp(2rem, 2vw + 1.2rem, 3rem); }
      img { height: min(56cqh, 70vh); max-width: 90cqw; aspect-ratio: 3 / 4; object-fit: cover; border-radius: 12px; border: 4px solid var(--good); background: #222; }
      quality-meter { width: min(26rem, 80vw); }
      .actions { display: flex; gap: 1.2rem; }
      .actions button { min-height: 80px; min-width: 12rem; font-size: 1.8rem; }
      .thanks { font-size: 2.6rem; font-weight: 700; color: var(--good); min-height: 80px; display: grid; place-items: center; }
    `,
  ];

  override render() {
    return html`<div class="card">
      <h2>${this.heading}</h2>
      ${this.src ? html`<img src=${this.src} alt=${this.heading} />` : nothing}
      <quality-meter .value=${this.quality} .threshold=${this.threshold} label=${this.qualityLabel}></quality-meter>
      ${this.accepted
        ? html`<div class="thanks" role="status">${this.thanks}</div>`
        : html`<div class="actions">
            <button class="retake" @click=${() => this.#emit('retake')}>${this.retakeLabel}</button>
            <button class="primary accept" @click=${() => this.#emit('accept')}>${this.acceptLabel}</button>
          </div>`}
    </div>`;
  }

  #emit(type: 'accept' | 'retake'): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'capture-review': CaptureReview;
  }
}
