/**
 * One capture for the operator: portrait, PLQ map, Q^, the measurements that mattered, and
 * approve / delete / retake (events `approve`, `delete`, `retake` with the capture id).
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { captureUrls, type CaptureReport, type CaptureSummary } from '../protocol.js';
import { reportHighlights } from '../store/report-highlights.js';
import { theme } from '../styles/theme.js';
import './quality-meter.js';

@customElement('capture-card')
export class CaptureCard extends LitElement {
  @property({ attribute: false }) capture: CaptureSummary | null = null;
  @property({ attribute: false }) report: CaptureReport | null = null;
  @property({ type: Number }) threshold = 0.5;
  @property({ type: Boolean }) busy = false;

  static override styles = [
    theme,
    css`
      :host { display: block; }
      article { display: grid; grid-template-columns: auto auto minmax(0, 1fr); gap: 1rem; padding: 1rem; border-radius: var(--radius); background: var(--panel); border: 2px solid #2b3440; }
      article.approved { border-color: var(--good); }
      figure { margin: 0; display: grid; gap: 0.3rem; justify-items: center; align-content: start; font-size: 0.9rem; color: var(--muted); }
      img { width: 9rem; height: 12rem; object-fit: cover; border-radius: 10px; background: #222; }
      img.map { width: 9rem; height: 9rem; image-rendering: auto; }
      .info { display: grid; gap: 0.6rem; align-content: start; min-width: 0; }
      header { display: flex; gap: 0.8rem; align-items: baseline; flex-wrap: wrap; font-size: 1.05rem; color: var(--muted); }
      .badge { padding: 0.15rem 0.6rem; border-radius: 999px; background: #2b3440; color: var(--text); font-weight: 600; }
      .badge.ok { background: var(--good); color: #06210f; }
      .badge.pending { background: var(--bad); }
      ul { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 0.3rem 1rem; font-size: 1rem; }
      li { display: flex; justify-content: space-between; gap: 0.5rem; border-bottom: 1px solid #2b3440; padding: 0.15rem 0; }
      li .v { font-weight: 700; font-variant-numeric: tabular-nums; }
      li.warn .v { color: var(--accent); }
      li.bad .v { color: var(--bad); }
      .actions { display: flex; gap: 0.6rem; flex-wrap: wrap; }
      button.delete { border-color: var(--bad); }
      @media (max-width: 60rem) { article { grid-template-columns: auto auto; } .info { grid-column: 1 / -1; } }
    `,
  ];

  override render() {
    const c = this.capture;
    if (!c) return nothing;
    const urls = captureUrls(c.id);
    const highlights = this.report ? reportHighlights(this.report) : [];
    return html`<article class=${c.approved ? 'approved' : ''} data-id=${c.id}>
      <figure><img src=${urls.portrait} alt="Portrait ${c.id}" loading="lazy" /><figcaption>Portrait</figcaption></figure>
      <figure><img class="map" src=${urls.overlay} alt="PLQ map ${c.id}" loading="lazy" /><figcaption>PLQ map</figcaption></figure>
      <div class="info">
        <header>
          <time datetime=${new Date(c.ts).toISOString()}>${new Date(c.ts).toLocaleTimeString()}</time>
          <span class="badge">${c.trigger}</span>
          ${c.approved ? html`<span class="badge ok">approved</span>` : nothing}
          ${c.pending ? html`<span class="badge pending" title="kept in memory until the disk takes it">not yet on disk</span>` : nothing}
        </header>
        <quality-meter compact .value=${c.qualityScaled} .threshold=${this.threshold} label="Q^"></quality-meter>
        ${highlights.length
          ? html`<ul aria-label="Measurements">${highlights.map((h) => html`<li class=${h.level} data-key=${h.key}><span>${h.label}</span><span class="v">${h.value}</span></li>`)}</ul>`
          : nothing}
        <div class="actions">
          <button class="primary approve" ?disabled=${this.busy || c.approved} @click=${() => this.#emit('approve')}>Approve</button>
          <button class="retake" ?disabled=${this.busy} @click=${() => this.#emit('retake')}>Retake</button>
          <button class="delete" ?disabled=${this.busy} @click=${() => this.#emit('delete')}>Delete</button>
        </div>
      </div>
    </article>`;
  }

  #emit(type: 'approve' | 'delete' | 'retake'): void {
    if (this.capture) this.dispatchEvent(new CustomEvent<string>(type, { detail: this.capture.id, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'capture-card': CaptureCard;
  }
}
