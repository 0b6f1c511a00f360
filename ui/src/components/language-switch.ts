/** Language buttons (EN / DE / FR); fires `language-change` with the chosen language. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Language } from '../protocol.js';
import { uiStrings } from '../i18n/ui-strings.js';
import { theme } from '../styles/theme.js';

@customElement('language-switch')
export class LanguageSwitch extends LitElement {
  @property({ attribute: false }) languages: Language[] = ['en', 'de', 'fr'];
  @property() current: Language = 'en';
  @property() label = 'Language';

  static override styles = [
    theme,
    css`
      :host { display: block; }
      .group { display: flex; gap: 0.6rem; flex-wrap: wrap; }
      button { font-size: 1.3rem; font-weight: 600; }
    `,
  ];

  override render() {
    return html`<div class="group" role="group" aria-label=${this.label}>
      ${this.languages.map(
        (l) => html`<button lang=${l} data-lang=${l} aria-pressed=${l === this.current ? 'true' : 'false'} @click=${() => this.#choose(l)}>
          ${uiStrings(l).languageName}
        </button>`,
      )}
    </div>`;
  }

  #choose(language: Language): void {
    if (language === this.current) return;
    this.dispatchEvent(new CustomEvent<Language>('language-change', { detail: language, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'language-switch': LanguageSwitch;
  }
}
