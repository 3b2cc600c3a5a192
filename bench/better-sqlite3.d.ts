// The part of better-sqlite3 13's API the REST floor uses; the package ships no types.
declare module 'better-sqlite3' {
  interface Statement {
    all(...params: unknown[]): Record<string, unknown>[];
  }
  class Database {
    constructor(path: string, options?: { readonly?: boolean });
    pragma(source: string): unknown;
    prepare(sql: string): Statement;
  }
  export default Database;
}
