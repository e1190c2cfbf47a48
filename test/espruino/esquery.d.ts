// The part of esquery (ESLint's selector engine) the bundle checker uses.
declare module 'esquery' {
  type Selector = object;
  interface Options { fallback?: (node: any) => string[] }
  const esquery: { parse(selector: string): Selector; match(ast: object, selector: Selector, options?: Options): object[] };
  export default esquery;
}
