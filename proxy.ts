import { NextResponse, type NextRequest } from "next/server";
import { pathDecodes } from "@/lib/dashboard/url-path";

/**
 * Runs before routing. A path with malformed percent-encoding (`/queues/%E0%A4%A`) is refused
 * with 400 here: Next's own decoding of dynamic segments would otherwise answer a bare 500.
 */
export function proxy(request: NextRequest): NextResponse | undefined {
  if (!pathDecodes(request.nextUrl.pathname))
    return NextResponse.json({ error: "Bad request: the path has malformed percent-encoding." }, { status: 400 });
  return undefined;
}

export const config = {
  // Static assets never carry a user's path segment.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
