/**
 * The kiosk UI bundle: root ui/, one entry (index.html serves both / and /operator: the app
 * picks its view from the path), built to ui/dist with assets under /assets/. Everything is
 * bundled (Lit, socket.io-client, icons as inline SVG): the kiosk works offline.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // Keep Vite's dependency cache inside this checkout (node_modules may be shared).
  cacheDir: fileURLToPath(new URL('../.cache/vite', import.meta.url)),
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', strictPort: false },
  clearScreen: false,
  logLevel: 'warn',
});
