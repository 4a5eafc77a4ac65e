/** The resource a subject id names, by its prefix, as Checkout.com links it. */
const SUBJECT_RESOURCES: Record<string, string> = {
  pay_: 'payments',
  dsp_: 'disputes',
  ord_: 'orders',
  txn_: 'transactions',
};

export function subjectLink(baseUrl: string, subjectId: string): { rel: string; href: string } | undefined {
  const prefix = Object.keys(SUBJECT_RESOURCES).find((p) => subjectId.startsWith(p));
  if (!prefix) return undefined;
  const resource = SUBJECT_RESOURCES[prefix];
  return { rel: resource === 'payments' ? 'payment' : resource === 'disputes' ? 'dispute' : resource.slice(0, -1), href: `${baseUrl}/${resource}/${subjectId}` };
}
