/**
 * /operator: the login gate in front of the operator console. Shows the login form until the
 * server knows a session, the console while it lasts, and a clear message when this kiosk has
 * no operator accounts at all (`plq user add`).
 */
import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { AuthApi, createAuthStore } from '../store/auth-store.js';
import { StoreController } from '../controllers/store-controller.js';
import { theme } from '../styles/theme.js';
import type { LoginDetail } from './login-view.js';
import './login-view.js';
import './operator-console.js';

@customElement('operator-view')
export class OperatorView extends LitElement {
  readonly auth = createAuthStore();
  readonly #api = new AuthApi(this.auth);
  readonly #state = new StoreController(this, this.auth, (s) => ({ ...s }));
  readonly #session = { csrfHeaders: () => this.#api.csrfHeaders(), sessionEnded: () => void this.#api.sessionEnded() };

  static override styles = [
    theme,
    css`
      :host { display: block; height: 100%; }
      .notice { display: grid; place-items: center; height: 100%; padding: 2rem; background: var(--bg); font-size: 1.3rem; text-align: center; }
      code { font-size: 1.1rem; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#api.check();
  }

  override render() {
    const s = this.#state.value;
    switch (s.status) {
      case 'checking':
        return html`<div class="notice">…</div>`;
      case 'no-operators':
        return html`<div class="notice" data-k="no-operators"><div>
          <p>The operator view is disabled: this kiosk has no operator accounts.</p>
          <p>Create one on the kiosk machine with <code>plq user add NAME --config FILE</code> and restart the kiosk.</p></div></div>`;
      case 'unreachable':
        return html`<div class="notice">${s.message}<button @click=${() => void this.#api.check()}>Retry</button></div>`;
      case 'anonymous':
        return html`<login-view .message=${s.message} ?busy=${s.busy}
          @login=${(e: CustomEvent<LoginDetail>) => void this.#api.login(e.detail.user, e.detail.password)}></login-view>`;
      case 'authenticated':
        return html`<operator-console .session=${this.#session} user=${s.user ?? ''} @logout=${() => void this.#api.logout()}></operator-console>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'operator-view': OperatorView;
  }
}
