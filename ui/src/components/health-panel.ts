/**
 * The kiosk's health at a glance: link, camera, fps, PLQ/s, frame-to-PLQ latency, and an alert
 * when captures cannot be written (disk full or failing: they wait in memory) or space runs low.
 */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { KioskStatus, StorageHealth } from '../protocol.js';
import type { ConnectionState } from '../store/kiosk-store.js';
import { theme } from '../styles/theme.js';

const fmt = (v: number | null | undefined, digits = 1): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–');

@customElement('health-panel')
export class HealthPanel extends LitElement {
  @property({ attribute: false }) status: KioskStatus | null = null;
  @property({ attribute: false }) storage: StorageHealth | null = null;
  @property() connection: ConnectionState = 'connecting';
  @property() error: string | null = null;

  static override styles = [
    theme,
    css`
      :host { display: block; }
      dl { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.6rem; margin: 0; }
      div { background: var(--panel-2); border-radius: 12px; padding: 0.5rem 0.8rem; }
      dt { font-size: 0.95rem; color: var(--muted); }
      dd { margin: 0; font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
      .bad { color: var(--bad); }
      .good { color: var(--good); }
    `,
  ];

  override render() {
    const s = this.status;
    const cam = s?.cameraState ?? '–';
    return html`<dl aria-label="Kiosk health">
      <div><dt>Server link</dt><dd class=${this.connection === 'connected' ? 'good' : 'bad'} data-k="link">${this.connection}</dd></div>
      <div><dt>Camera</dt><dd class=${cam === 'streaming' ? 'good' : 'bad'} data-k="camera">${cam}</dd></div>
      <div><dt>State</dt><dd data-k="state">${s?.state ?? '–'}</dd></div>
      <div><dt>Camera fps</dt><dd data-k="fps">${fmt(s?.fps)}</dd></div>
      <div><dt>PLQ / s</dt><dd data-k="plq">${fmt(s?.plqPerSecond, 2)}</dd></div>
      <div><dt>Frame→PLQ p95</dt><dd data-k="latency">${s?.frameToPlqP95Ms != null ? `${fmt(s.frameToPlqP95Ms, 0)} ms` : '–'}</dd></div>
    </dl>${this.storageAlert()}${this.error ? html`<p class="bad" role="alert">${this.error}</p>` : ''}`;
  }

  private storageAlert() {
    const st = this.storage;
    if (!st) return '';
    const mb = (b: number | null): string => (b === null ? '?' : `${Math.floor(b / 1024 / 1024)} MB`);
    if (!st.writable || st.pending > 0) {
      return html`<p class="bad" role="alert" data-k="storage">
        Captures cannot be written${st.lastError ? ` (${st.lastError})` : ''}: ${st.pending} of at most ${st.maxPending} waiting in memory,
        lost if the kiosk stops. Free ${mb(st.freeBytes)}, minimum ${mb(st.minFreeBytes)}.
      </p>`;
    }
    if (st.lowSpace) return html`<p class="bad" role="alert" data-k="storage">Disk space low: ${mb(st.freeBytes)} free, minimum ${mb(st.minFreeBytes)}.</p>`;
    return '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'health-panel': HealthPanel;
  }
}
