/**
 * The kiosk view (/): live preview with the oval and the PLQ map, guidance, state and
 * countdown, quality meter, captured portrait with accept/retake, idle screen, language and
 * overlay/voice switches. State comes from the store (fed by the connection controller).
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import type { KioskState, Language } from '../protocol.js';
import { createKioskStore } from '../store/kiosk-store.js';
import { StoreController } from '../controllers/store-controller.js';
import { ConnectionController } from '../controllers/connection-controller.js';
import { IdleController } from '../controllers/idle-controller.js';
import { SpeechController } from '../controllers/speech-controller.js';
import { uiStrings, type UiStrings } from '../i18n/ui-strings.js';
import { theme } from '../styles/theme.js';
import type { OvalTone } from '../components/oval-guide.js';
import '../components/plq-preview.js';
import '../components/guidance-panel.js';
import '../components/quality-meter.js';
import '../components/state-indicator.js';
import '../components/capture-review.js';
import '../components/language-switch.js';
import '../components/toggle-button.js';
import '../components/connection-banner.js';
import '../components/idle-screen.js';

const TONE: Record<KioskState, OvalTone> = { searching: 'neutral', adjusting: 'adjust', holding: 'good', captured: 'good', 'camera-lost': 'neutral' };

export function stateLabel(state: KioskState, t: UiStrings): string {
  switch (state) {
    case 'searching': return t.searching;
    case 'adjusting': return t.adjusting;
    case 'holding': return t.takingPhoto;
    case 'captured': return t.captured;
    case 'camera-lost': return t.cameraLost;
  }
}

/** Shown to whoever sets the kiosk up, not to the public: English only. */
const NOT_PAIRED = 'This screen is not paired with the kiosk: open it once as /#device=TOKEN (server.auth.deviceTokens).';

@customElement('kiosk-view')
export class KioskView extends LitElement {
  readonly store = createKioskStore();
  // refused by the server: this screen is off loopback and has no device token (see device-pairing.ts)
  readonly #link = new ConnectionController(this, this.store, { onUnauthorized: () => this.store.update({ lastError: NOT_PAIRED }) });
  readonly #view = new StoreController(this, this.store, (s) => ({ ...s }));
  readonly #idle = new IdleController(this, this.store);
  // Speaks guidance when voice is on; lives with the view.
  readonly #speech = new SpeechController(this, this.store);

  static override styles = [
    theme,
    css`
      :host { display: grid; height: 100%; background: var(--bg); grid-template-columns: minmax(0, 1.55fr) minmax(26rem, 1fr); grid-template-rows: minmax(0, 1fr); }
      .stage { position: relative; min-height: 0; }
      plq-preview { position: absolute; inset: 0; }
      capture-review { position: absolute; inset: 0; container-type: size; }
      .side { display: flex; flex-direction: column; gap: 1.4rem; padding: 1.6rem; min-width: 0; background: var(--panel); }
      guidance-panel { flex: none; }
      .controls { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: center; margin-top: auto; }
      idle-screen { position: fixed; inset: 0; z-index: 20; }
      @media (orientation: portrait) {
        :host { grid-template-columns: minmax(0, 1fr); grid-template-rows: minmax(0, 1fr) auto; }
        .side { gap: 1rem; }
        guidance-panel { flex: none; }
      }
    `,
  ];

  override render() {
    const s = this.#view.value;
    const t = uiStrings(s.language);
    const threshold = s.hello?.captureThreshold ?? 0.5;
    const holding = s.state === 'holding';
    const fallback = holding ? t.holding : s.state === 'adjusting' ? t.allGood : '';
    // A lost camera shows its message, not a frozen last frame.
    const cameraLost = s.state === 'camera-lost' || s.camera.state === 'lost' || s.camera.state === 'reconnecting';
    const connectionText = s.lastError === NOT_PAIRED ? NOT_PAIRED : s.connection === 'connecting' ? t.connecting : t.reconnecting;
    return html`
      <connection-banner connection=${s.connection} text=${connectionText}></connection-banner>
      <section class="stage" aria-label=${t.yourPhoto}>
        <plq-preview mirror oval fill=${s.hello?.ui.previewFill ?? 'auto'} .frame=${cameraLost ? null : s.frame} .plq=${s.plq} ?overlay=${s.overlayOn} tone=${TONE[s.state]} placeholder=${cameraLost ? t.cameraLost : t.connecting}></plq-preview>
        ${s.capture
          ? html`<capture-review
              src=${s.capture.portraitUrl}
              .quality=${s.capture.qualityScaled}
              .threshold=${threshold}
              heading=${t.yourPhoto}
              qualityLabel=${t.quality}
              acceptLabel=${t.accept}
              retakeLabel=${t.retake}
              thanks=${t.thanks}
              ?accepted=${s.acceptedId === s.capture.id}
              @accept=${this.#accept}
              @retake=${() => this.#link.connection.retake()}
            ></capture-review>`
          : nothing}
      </section>
      <aside class="side">
        <state-indicator state=${s.state} label=${stateLabel(s.state, t)} .remaining=${holding ? s.remaining : null}></state-indicator>
        <guidance-panel .messages=${s.state === 'captured' ? [] : (s.guidance?.messages ?? [])} .hint=${s.guidance?.hint ?? null} fallback=${fallback} fallbackId=${holding ? 'hold-still' : ''}></guidance-panel>
        <quality-meter .value=${s.qualityScaled} .threshold=${threshold} label=${t.quality}></quality-meter>
        <div class="controls">
          <language-switch .languages=${s.languages} current=${s.language} label=${t.language} @language-change=${this.#language}></language-switch>
          <toggle-button class="overlay" label=${t.qualityMap} ?on=${s.overlayOn} @toggle=${(e: CustomEvent<boolean>) => this.#link.connection.setOverlay(e.detail)}></toggle-button>
          ${'speechSynthesis' in globalThis
            ? html`<toggle-button class="speech" label=${t.speech} ?on=${s.speechOn} @toggle=${(e: CustomEvent<boolean>) => this.#link.connection.setSpeech(e.detail)}></toggle-button>`
            : nothing}
        </div>
      </aside>
      ${this.#idle.idle && !s.capture
        ? html`<idle-screen heading=${t.idleTitle} body=${t.idleBody}>
            <language-switch .languages=${s.languages} current=${s.language} label=${t.language} @language-change=${this.#language}></language-switch>
          </idle-screen>`
        : nothing}
    `;
  }

  #accept = (): void => {
    const id = this.#view.value.capture?.id;
    if (id) this.#link.connection.accept(id);
  };

  #language = (e: CustomEvent<Language>): void => this.#link.connection.setLanguage(e.detail);
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-view': KioskView;
  }
}
