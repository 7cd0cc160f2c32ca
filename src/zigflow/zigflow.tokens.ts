/** DI token of the loader limits ({@link LoadOptions}) the service applies to every document. */
export const ZIGFLOW_LOAD_OPTIONS = Symbol('ZIGFLOW_LOAD_OPTIONS');
