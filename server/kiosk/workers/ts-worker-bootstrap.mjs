// Runs a TypeScript worker entry under tsx (development and tests; compiled builds start .js directly).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
