// Amounts in an input field: written the way the language writes decimals,
// so that what the field shows reads back (parseMoney) as the same amount.

export { amountInput, decimalSeparator } from '../../lib/i18n/core';
