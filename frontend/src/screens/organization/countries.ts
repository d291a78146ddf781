// The countries a billing address may be in, named in the interface language.
// The codes come from Go (billingApi.countries), which validates them: the
// list lives once, in backend/taxid.

export interface Country {
  code: string;
  name: string;
}

/** countryName is a region's name in lang ("DE" in French: "Allemagne"), or the code when unknown. */
export function countryName(lang: string, code: string): string {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code; // not a well-formed region code
  }
}

/** countries names the codes in lang, in lang's alphabetical order. */
export function countries(lang: string, codes: readonly string[]): Country[] {
  const names = new Intl.DisplayNames([lang], { type: 'region' });
  const collator = new Intl.Collator(lang);
  return codes
    .map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => collator.compare(a.name, b.name));
}
