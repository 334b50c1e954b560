import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the API runs on :3000; in production it serves the built UI from `dist/` itself.
const api = "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { "/api": api, "/trpc": api, "/v1": api },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
