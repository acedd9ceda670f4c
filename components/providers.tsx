"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";

export function Providers({ children }: { children: React.ReactNode }) {
  // One client per browser tab; server-drawn data seeds the first paint, polling takes over.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 500 } } }));
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
