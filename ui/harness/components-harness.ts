/** Registers every component for the component tests and exposes a few helpers on window. */
import '../src/components/plq-preview.js';
import '../src/components/oval-guide.js';
import '../src/components/guidance-panel.js';
import '../src/components/quality-meter.js';
import '../src/components/state-indicator.js';
import '../src/components/capture-review.js';
import '../src/components/language-switch.js';
import '../src/components/toggle-button.js';
import '../src/components/connection-banner.js';
import '../src/components/idle-screen.js';
import '../src/components/health-panel.js';
import '../src/components/capture-card.js';
import '../src/components/waiver-panel.js';
import { createKioskStore } from '../src/store/kiosk-store.js';
import { StoreController } from '../src/controllers/store-controller.js';
import { IdleController } from '../src/controllers/idle-controller.js';
import { GUIDANCE_ICON_IDS } from '../src/icons/guidance-icons.js';

const harness = { createKioskStore, StoreController, IdleController, GUIDANCE_ICON_IDS };
export type Harness = typeof harness;
(window as unknown as { harness: Harness }).harness = harness;
document.body.dataset.ready = 'yes';
