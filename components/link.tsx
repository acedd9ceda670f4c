import NextLink from "next/link";
import type { ComponentProps } from "react";

/**
 * The app's one link: next/link without prefetching. Next prefetches every link that scrolls into
 * view, and every route here is dynamic (a session, live Redis and database reads), so each page
 * view made the server render the layout of every page it links to — 22 requests for the header
 * alone, more on lists of rows — for clicks that mostly never come, and a click renders the page
 * again anyway (a dynamic route's prefetch stops at the first loading.tsx, and there is none).
 * Without it the server's CPU for a first view of /queues fell from 0.87 s to 0.51 s, and the
 * click is one request, as before. Pass `prefetch` to opt a link back in.
 */
export default function Link(props: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={false} {...props} />;
}
