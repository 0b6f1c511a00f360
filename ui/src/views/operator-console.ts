/**
 * The operator console (inside /operator once logged in) for an enrolment desk: the live view
 * small (with the PLQ map), the kiosk's health, a manual capture, waivers of messages that are wrong
 * for the person in front of the kiosk, and the list of captures with approve / delete / retake. It talks to /operator with the session cookie; a 401 or a closed
 * socket tells the session (the view then asks for a login again).
 */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { OperatorSession } from '../store/operator-store.js';
import { createKioskStore } from '../store/kiosk-store.js';
import { StoreController } from '../controllers/store-controller.js';
import { ConnectionController } from '../controllers/connection-controller.js';
import { OperatorController } from '../controllers/operator-controller.js';
import { theme } from '../styles/theme.js';
import { stateLabel } from './kiosk-view.js';
import { uiStrings } from '../i18n/ui-strings.js';
import '../components/plq-preview.js';
import '../components/admam-panel.js';
import '../components/health-panel.js';
import '../components/capture-card.js';
import '../components/connection-banner.js';
import '../components/guidance-panel.js';
import '../components/toggle-button.js';
import '../components/quality-meter.js';
import '../components/waiver-panel.js';
import type { WaiveRequest } from '../components/waiver-panel.js';

const noSession: OperatorSession = { csrfHeaders: () => ({}), sessionEnded: () => undefined };

@customElement('operator-console')
export class OperatorConsole extends LitElement {
  /** The logged-in operator's name (shown with the logout button). */
  @property() user = '';
  /** Set by the parent before attaching: the CSRF header and what to do when the session ends. */
  session: OperatorSession = noSession;
  readonly kiosk = createKioskStore({ overlayOn: true });
  readonly #link = new ConnectionController(this, this.kiosk, { namespace: '/operator', onUnauthorized: () => this.session.sessionEnded() });
  readonly #ops = new OperatorController(this, this.kiosk, { csrfHeaders: () => this.session.csrfHeaders(), sessionEnded: () => this.session.sessionEnded() });
  readonly #live = new StoreController(this, this.kiosk, (s) => ({ ...s }));
  readonly #data = new StoreController(this, this.#ops.store, (s) => ({ ...s }));

  static override styles = [
    theme,
    css`
      :host { display: grid; height: 100%; grid-template-columns: minmax(22rem, 34rem) minmax(0, 1fr); background: var(--bg); }
      .left { display: flex; flex-direction: column; gap: 1rem; padding: 1rem; background: var(--panel); overflow: auto; }
      h1 { margin: 0; font-size: 1.6rem; }
      .who { display: flex; justify-content: space-between; align-items: center; gap: 1rem; font-size: 1.05rem; color: var(--muted); }
      h2 { margin: 0 0 0.6rem; font-size: 1.3rem; }
      plq-preview { width: 100%; aspect-ratio: 4 / 3; border-radius: 12px; }
      .live-state { display: flex; justify-content: space-between; font-size: 1.2rem; gap: 1rem; }
      .buttons { display: flex; gap: 0.6rem; flex-wrap: wrap; }
      .messages { min-height: 4.4rem; font-size: 1.15rem; color: var(--accent); }
      .pad { font-size: 1rem; color: var(--muted); font-variant-numeric: tabular-nums; }
      .pad .low { color: var(--bad); font-weight: 700; }
      .alert { padding: 0.6rem 0.8rem; border-radius: 10px; background: var(--bad); color: #fff; font-weight: 700; font-size: 1.1rem; }
      .list { overflow: auto; padding: 1rem; display: grid; gap: 1rem; align-content: start; }
      .empty { color: var(--muted); font-size: 1.3rem; }
      @media (orientation: portrait) {
        :host { grid-template-columns: minmax(0, 1fr); grid-template-rows: auto minmax(0, 1fr); }
        .left { overflow: visible; }
        plq-preview { max-height: 30vh; }
      }
    `,
  ];

  /** The presentation-attack scores of the tracked face and, when flagged, an alert for the operator. */
  #presentationAttack(live: LiveState) {
    const pa = live.hello?.presentationAttack;
    if (!pa) return '';
    const flagged = (live.guidance?.messages ?? []).some((m) => m.id === 'presentation-attack');
    const face = live.frame?.faces.length === 1 ? live.frame.faces[0] : undefined;
    const score = (v: number | undefined, min: number) =>
      v === undefined ? html`-` : html`<span class=${v < min ? 'low' : ''}>${v.toFixed(2)}</span>`;
    return html`${flagged
        ? html`<div class="alert" role="alert" data-k="pad-alert">Presentation attack suspected: check the person. Auto-capture is off until you capture or reset.</div>`
        : ''}
      <div class="pad" data-k="pad">Presentation attack check: real ${score(face?.antispoof, pa.minReal)} (min ${pa.minReal}) · live
        ${score(face?.liveness, pa.minLive)} (min ${pa.minLive})</div>`;
  }

  override render() {
    const live = this.#live.value;
    const data = this.#data.value;
    const threshold = live.hello?.captureThreshold ?? 0.5;
    return html`
      <connection-banner connection=${live.connection} text=${uiStrings('en').reconnecting}></connection-banner>
      <section class="left" aria-label="Live">
        <h1>Kiosk operator${live.hello?.profile ? ` · ${live.hello.profile}` : ''}</h1>
        <div class="who"><span data-k="user">${this.user}</span>
          <button class="logout" @click=${() => this.dispatchEvent(new CustomEvent('logout', { bubbles: true, composed: true }))}>Log out</button></div>
        <plq-preview boxes .frame=${live.frame} .plq=${live.plq} ?overlay=${live.overlayOn} placeholder="No camera image"></plq-preview>
        <div class="live-state"><span data-k="live-state">${stateLabel(live.state, uiStrings('en'))}${live.state === 'holding' && live.remaining ? ` (${live.remaining})` : ''}${live.stateDetail ? ` · ${live.stateDetail}` : ''}</span></div>
        <quality-meter compact .value=${live.qualityScaled} .threshold=${threshold} label="Live Q^"></quality-meter>
        ${live.hello?.ui.adMam ? html`<admam-panel .map=${live.adMam}></admam-panel>` : ''}
        ${this.#presentationAttack(live)}
        <div class="messages" aria-live="polite">${(live.guidance?.messages ?? []).map((m) => html`<div>${m.text}</div>`)}</div>
        <waiver-panel
          .messages=${live.guidance?.messages ?? []}
          .waivable=${live.hello?.waivable ?? []}
          .waivers=${live.waivers}
          .ended=${live.waiversEnded}
          @waive=${(e: CustomEvent<WaiveRequest>) => this.#link.connection.waive(e.detail.id, e.detail.waived)}
        ></waiver-panel>
        <div class="buttons">
          <button class="primary capture" @click=${() => this.#link.connection.manualCapture()}>Capture now</button>
          <button class="reset" @click=${() => this.#link.connection.reset()}>Reset kiosk</button>
          <toggle-button label="PLQ map" ?on=${live.overlayOn} @toggle=${(e: CustomEvent<boolean>) => this.#link.connection.setOverlay(e.detail)}></toggle-button>
        </div>
        <h2>Health</h2>
        <health-panel .status=${data.status} .storage=${data.storage} connection=${live.connection} .error=${data.statusError}></health-panel>
      </section>
      <section class="list" aria-label="Captures">
        <h2>Captures (${data.captures.length})</h2>
        ${data.captures.length === 0 ? html`<p class="empty">No captures yet.</p>` : ''}
        ${data.captures.map(
          (c) => html`<capture-card
            .capture=${c}
            .report=${data.reports.get(c.id) ?? null}
            .threshold=${threshold}
            ?busy=${data.busy.has(c.id)}
            @approve=${(e: CustomEvent<string>) => void this.#ops.api.approve(e.detail)}
            @delete=${(e: CustomEvent<string>) => void this.#ops.api.remove(e.detail)}
            @retake=${() => this.#link.connection.retake()}
          ></capture-card>`,
        )}
      </section>
    `;
  }
}

type LiveState = OperatorConsole['kiosk']['state'];

declare global {
  interface HTMLElementTagNameMap {
    'operator-console': OperatorConsole;
  }
}
