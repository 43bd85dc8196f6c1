/** Logins Okta holds as users other than kim.sato@example.com; the old key (trim + toLowerCase) mapped 8 of them onto hers. */
export const LOOK_ALIKE_LOGINS: ReadonlyArray<[string, string]> = [
  ['Kelvin sign for K', '\u212aim.sato@example.com'],
  ['trailing no-break space', 'kim.sato@example.com\u00a0'],
  ['leading em space', '\u2003kim.sato@example.com'],
  ['trailing ideographic space', 'kim.sato@example.com\u3000'],
  ['leading byte order mark', '\ufeffkim.sato@example.com'],
  ['trailing line separator', 'kim.sato@example.com\u2028'],
  ['leading tab', '\tkim.sato@example.com'],
  ['trailing newline', 'kim.sato@example.com\n'],
  ['Cyrillic i', 'k\u0456m.sato@example.com'],
  ['fullwidth k', '\uff4bim.sato@example.com'],
  ['zero-width space inside', 'kim.\u200bsato@example.com'],
];
