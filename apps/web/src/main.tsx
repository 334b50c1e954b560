import type { AppRouter } from "@logbook/api/router";
import { QueryClientProvider } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { createQueryClient, createTrpcClient, TRPCProvider } from "./lib/trpc";
import "./styles.css";

function Root() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createTrpcClient);
  // An organization's pages open with the shell, which needs `me.get`: ask for it alongside the
  // session check instead of after it (signed out, both lead to the sign-in page).
  useState(() => {
    if (window.location.pathname.startsWith("/o/"))
      void queryClient.prefetchQuery(
        createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient }).me.get.queryOptions(),
      );
  });
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <App />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
