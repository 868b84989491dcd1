/**
 * A count with thousands separators ("10,000"), the same in every locale the page runs in. One
 * formatter for all: `n.toLocaleString('en-US')` builds a new one per call, which the large matrix
 * (thousands of cell labels per render) paid for in whole seconds of main-thread time.
 */
const COUNT = new Intl.NumberFormat('en-US');

export const formatCount = (n: number): string => COUNT.format(n);
