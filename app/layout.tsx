import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Resque Admin",
  description: "Resque dashboard and job runner",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <header className="border-b border-zinc-200 px-6 py-3 dark:border-zinc-800">
          <span className="font-semibold">Resque Admin</span>
        </header>
        <main className="mx-auto max-w-6xl px-6 py-6">{children}</main>
      </body>
    </html>
  );
}
