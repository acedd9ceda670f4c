"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useState } from "react";

const CanWrite = createContext(false);

/**
 * Whether the signed-in account may change things: write buttons are drawn disabled for a viewer
 * so the page does not offer what the server will refuse (the server still checks every action).
 */
export function useCanWrite(): boolean {
  return useContext(CanWrite);
}

export function Providers({ canWrite, children }: { canWrite: boolean; children: React.ReactNode }) {
  // One client per browser tab; server-drawn data seeds the first paint, polling takes over.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 500 } } }));
  return (
    <QueryClientProvider client={client}>
      <CanWrite.Provider value={canWrite}>{children}</CanWrite.Provider>
    </QueryClientProvider>
  );
}
