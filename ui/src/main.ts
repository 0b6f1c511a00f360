/** Entry: `/operator` gets the operator view, everything else the kiosk view. */
import './views/kiosk-view.js';
import './views/operator-view.js';

const app = document.getElementById('app') ?? document.body;
const operator = /^\/operator\/?$/.test(location.pathname);
document.title = operator ? 'Kiosk operator' : 'Face capture';
app.replaceChildren(document.createElement(operator ? 'operator-view' : 'kiosk-view'));
