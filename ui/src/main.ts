/** Entry: `/operator` gets the operator view (behind its login), everything else the kiosk view. */
import './views/kiosk-view.js';
import './views/operator-view.js';
import { pairFromFragment } from './store/device-pairing.js';

const app = document.getElementById('app') ?? document.body;
const operator = /^\/operator\/?$/.test(location.pathname);
document.title = operator ? 'Kiosk operator' : 'Face capture';
if (!operator) await pairFromFragment();
app.replaceChildren(document.createElement(operator ? 'operator-view' : 'kiosk-view'));
