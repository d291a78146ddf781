// Errors from Go arrive as the JSON of a coded error (backend/apperr):
// {"code":"auth.invalid_credentials","field":"password","params":{...}}.

export interface CodedError {
  code: string;
  field?: string;
  params?: Record<string, string | number>;
}

export function toCodedError(err: unknown): CodedError {
  const text = typeof err === 'string' ? err : err instanceof Error ? err.message : '';
  try {
    const parsed = JSON.parse(text) as Partial<CodedError>;
    if (parsed && typeof parsed.code === 'string') {
      return { code: parsed.code, field: parsed.field, params: parsed.params };
    }
  } catch {
    // not one of ours: fall through
  }
  return { code: 'internal' };
}

/** messageId is the locales/ key of a coded error's message. */
export function messageId(e: CodedError): string {
  return `error.${e.code}`;
}
