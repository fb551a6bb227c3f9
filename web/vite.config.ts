import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Everything the app needs is bundled and served by the stack itself: no CDN, no remote font.
export default defineConfig({
  plugins: [react()],
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, assetsInlineLimit: 0 },
  server: { proxy: { "^/(auth|me|movies|screenings|orders|halls|members|subscriptions|users|reports|audit|webhooks|tickets|box-office|\\.well-known)": "http://127.0.0.1:3000" } },
});
