// js-yaml 3 is present transitively (no @types in the project); only `load` is used.
declare module 'js-yaml' {
  export function load(input: string, options?: Record<string, unknown>): unknown;
}
