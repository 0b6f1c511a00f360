/** Ties a KioskConnection's life to a host element: connect when attached, close when detached. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { KioskConnection, type KioskConnectionOptions } from '../store/kiosk-connection.js';
import type { KioskStore } from '../store/kiosk-store.js';

export class ConnectionController implements ReactiveController {
  readonly connection: KioskConnection;

  constructor(host: ReactiveControllerHost, store: KioskStore, options: KioskConnectionOptions = {}) {
    this.connection = new KioskConnection(store, options);
    host.addController(this);
  }

  hostConnected(): void {
    this.connection.connect();
  }

  hostDisconnected(): void {
    this.connection.disconnect();
  }
}
