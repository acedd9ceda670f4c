/** Strings of the failed area. English is the source; the type makes a missing zh-CN key a compile error. */
export const en = {
} as const;

export const zhCN: { [K in keyof typeof en]: string } = {
};
