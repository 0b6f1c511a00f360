/** A banner over everything while the link to the kiosk server is down ("Reconnecting…"). */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConnectionState } from '../store/kiosk-store.js';
import { theme } from '../styles/theme.js';

@customElement('connection-banner')
export class ConnectionBanner extends LitElement {
  @property({ reflect: true }) connection: ConnectionState = 'connecting';
  @property() text = '';

  static override styles = [
    theme,
    css`
      :host { display: contents; }
      .banner { position: fixed; left: 50%; top: 1.2rem; transform: translateX(-50%); z-index: 50; display: flex; align-items: center; gap: 0.9rem; padding: 0.9rem 1.6rem; border-radius: 999px; background: #3a2a05; border: 3px solid var(--accent); font-size: 1.6rem; font-weight: 700; }
      .spin { width: 1.6rem; height: 1.6rem; border-radius: 50%; border: 4px solid var(--accent); border-right-color: transparent; animation: spin 1s linear infinite; }
      @keyframes spin { to { transform: rotate(360deg); } }
    `,
  ];

  override render() {
    if (this.connection === 'connected') return nothing;
    return html`<div class="banner" role="alert"><span class="spin" aria-hidden="true"></span><span class="text">${this.text}</span></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connection-banner': ConnectionBanner;
  }
}
