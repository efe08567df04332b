/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The Flask API serves dist/index.html at `/` (and for every SPA path) and dist/assets/* at
// `/assets/*`, so the base stays `/` and every hashed file lives under dist/assets/.
const API_TARGET = process.env.VITE_API_PROXY_TARGET ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // The runtime every screen needs and that changes only with a dependency bump gets its own
        // long-cached chunk; antd and pro-components are left to the default per-screen splitting
        // so the login page does not download ProTable.
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|axios|dayjs)[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup.ts'],
    css: false,
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    testTimeout: 20000,
    // rc-resize-observer (under ProTable) still calls findDOMNode; React 18 warns about it in dev.
    onConsoleLog: (log: string) => (log.includes('findDOMNode is deprecated') ? false : undefined),
  },
});
