/**
 * Spoken prompts (speech synthesis, offline voices of the platform): the first guidance
 * message when it changes, and the capture. Only when speech is on (config `ui.speech`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { KioskStore, KioskViewState } from '../store/kiosk-store.js';
import { uiStrings } from '../i18n/ui-strings.js';

const VOICE_LANG = { en: 'en-GB', de: 'de-DE', fr: 'fr-FR' } as const;

export class SpeechController implements ReactiveController {
  #unsubscribe: (() => void) | null = null;
  #lastSpoken = '';

  constructor(host: ReactiveControllerHost, private readonly store: KioskStore) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#unsubscribe = this.store.subscribe((s, prev) => this.#onChange(s, prev));
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    globalThis.speechSynthesis?.cancel();
  }

  #onChange(s: KioskViewState, prev: KioskViewState): void {
    if (!s.speechOn || !('speechSynthesis' in globalThis)) return;
    let text = '';
    if (s.state === 'captured' && prev.state !== 'captured') text = uiStrings(s.language).captured;
    else if (s.guidance !== prev.guidance) text = s.guidance?.messages[0]?.text ?? '';
    if (!text || text === this.#lastSpoken) return;
    this.#lastSpoken = text;
    const u = new SpeechSynthesisUtterance(text);
    u.lang = VOICE_LANG[s.language];
    u.rate = 0.95;
    speechSynthesis.cancel();
    speechSynthesis.speak(u);
  }
}
