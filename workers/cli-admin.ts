export async function printStatus(..._a: unknown[]) { throw new Error("not yet"); }
export async function printFailed(..._a: unknown[]) { throw new Error("not yet"); }
export async function retryCommand(..._a: unknown[]): Promise<number> { throw new Error("not yet"); }
